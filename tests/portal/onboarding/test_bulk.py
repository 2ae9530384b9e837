"""The restaurant list's bulk actions: each change audited, each refusal said."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django_q.brokers import get_broker

from portal.outreach import tasks as outreach_tasks
from restaurants.models import Connection, Contact, Restaurant, Stage, StatusLink, TimelineEntry
from tests.portal.onboarding.rows import in_review, ready, viewer

pytestmark = pytest.mark.django_db


def _bulk(client, restaurants, action, **fields):
    data = {"guid": [str(r.pk) for r in restaurants], "action": action, **fields}
    response = client.post("/onboarding/bulk/", data)
    response.said = _said(client, response)
    return response


def _said(client, response):
    """The messages the page redirected to shows (which uses them up)."""
    if response.status_code != 302:
        return []
    return [str(m) for m in get_messages(client.get(response.url).wsgi_request)]


def _messages(response):
    return response.said


@pytest.fixture
def two():
    return [ready("Alpha"), in_review("Beta")]


def test_the_list_has_a_checkbox_per_restaurant_and_the_action_bar(staff_client, two):
    html = staff_client.get("/restaurants/").content.decode()
    assert html.count('form="bulk-actions"') == 2
    assert 'id="bulk-actions"' in html and "Send status links" in html
    assert "Data received" in html and "In review" in html and "Unassigned" in html


def test_a_viewer_gets_no_bar_and_cannot_post(client, two):
    client.force_login(viewer())
    html = client.get("/restaurants/").content.decode()
    assert 'id="bulk-actions"' not in html and 'form="bulk-actions"' not in html
    for action in ("owner", "stage", "links"):
        assert _bulk(client, two, action, owner="none", to="live").status_code == 403
    assert not TimelineEntry.objects.filter(actor__isnull=False).exists()
    assert not StatusLink.objects.exists()


def test_assign_owner_records_who_gave_whom_each_restaurant(staff_client, staff_user, two):
    response = _bulk(staff_client, two, "owner", owner=str(staff_user.pk), next="/restaurants/?q=a")
    assert response.status_code == 302 and response.url == "/restaurants/?q=a"
    assert _messages(response) == ["Owner set for 2 of 2."]
    assert set(Restaurant.objects.values_list("owner", flat=True)) == {staff_user.pk}
    entries = TimelineEntry.objects.filter(kind="owner")
    assert entries.count() == 2
    assert {(e.actor, e.action, str(e.before), str(e.after)) for e in entries} == {
        (staff_user, "assigned", "{'owner': None}", "{'owner': 'olivia'}")
    }

    again = _bulk(staff_client, [*two, two[0]], "owner", owner="none")
    assert _messages(again) == ["Owner set for 2 of 2."]
    assert TimelineEntry.objects.filter(kind="owner", action="unassigned").count() == 2


def test_assign_owner_refuses_someone_who_is_not_staff(staff_client, django_user_model, two):
    guest = django_user_model.objects.create_user("guest")
    response = _bulk(staff_client, two, "owner", owner=str(guest.pk))
    assert _messages(response) == ["Choose an owner (or nobody)."]
    assert _messages(_bulk(staff_client, two, "owner", owner="abc")) == [
        "Choose an owner (or nobody)."
    ]
    assert not Restaurant.objects.exclude(owner=None).exists()


def test_set_stage_moves_what_the_rules_allow_and_says_why_not_per_restaurant(
    staff_client, staff_user, two
):
    alpha, beta = two
    response = _bulk(staff_client, two, "stage", to=Stage.LIVE)
    assert _messages(response) == [
        "Stage set for 1 of 2.",
        f"{beta}: The checklist is incomplete: going live needs an override.",
    ]
    assert Restaurant.objects.get(pk=alpha.pk).stage == Stage.LIVE
    assert Restaurant.objects.get(pk=beta.pk).stage == Stage.IN_REVIEW
    entry = TimelineEntry.objects.get(kind="stage", actor=staff_user)
    assert (entry.restaurant_id, entry.after) == (alpha.pk, {"stage": "live"})

    blocked = _bulk(staff_client, two, "stage", to=Stage.BLOCKED, reason="Waiting for the menu")
    assert _messages(blocked) == ["Stage set for 2 of 2."]
    assert set(Restaurant.objects.values_list("stage_reason", flat=True)) == {
        "Waiting for the menu"
    }
    assert TimelineEntry.objects.filter(kind="stage", actor=staff_user).count() == 3


def test_set_stage_refuses_the_stages_the_platform_decides(staff_client, two):
    response = _bulk(staff_client, two, "stage", to=Stage.REMOVED)
    assert _messages(response) == ["Choose a stage to set."]
    assert set(Restaurant.objects.values_list("stage", flat=True)) == {"data_received", "in_review"}


def test_send_status_links_queues_one_email_task_for_the_connected_ones(
    staff_client, staff_user, two
):
    alpha, beta = two
    Connection.objects.filter(restaurant=beta).update(status=Connection.Status.REMOVED)
    broker = get_broker()
    broker.purge_queue()
    response = _bulk(staff_client, two, "links")
    assert _messages(response) == [
        "Status link email queued for 1 of 2.",
        f"{beta}: In review, it is not connected: no link sent.",
    ]
    assert broker.queue_size() == 1  # one task for the batch (portal/outreach sends it)
    task = broker.dequeue()[0][1]
    broker.purge_queue()
    assert task  # what the worker runs: the connected restaurant's send, tested in outreach
    Contact.objects.create(restaurant=alpha, email="ann@example.com")
    outreach_tasks.send_status_links([str(alpha.pk)], staff_user.pk)
    [message] = mail.outbox
    link = StatusLink.objects.get()
    assert message.to == ["ann@example.com"] and link.restaurant_id == alpha.pk
    actions = set(TimelineEntry.objects.filter(restaurant=alpha).values_list("action", flat=True))
    assert {"created", "sent"} <= actions


def test_bad_bulk_requests_change_nothing_and_say_so(staff_client, two):
    assert _messages(_bulk(staff_client, [], "owner")) == ["Tick the restaurants to change first."]
    assert _messages(_bulk(staff_client, two, "explode")) == ["Choose an action."]
    junk = staff_client.post("/onboarding/bulk/", {"guid": ["nope", "1"], "action": "links"})
    assert junk.status_code == 302 and not StatusLink.objects.exists()
    assert _said(staff_client, junk) == ["None of the ticked restaurants exists any more."]
    too_many = staff_client.post("/onboarding/bulk/", {"guid": ["x"] * 501, "action": "links"})
    assert _said(staff_client, too_many) == ["At most 500 restaurants at once."]
    assert staff_client.get("/onboarding/bulk/").status_code == 405
