"""Staff hear of new connections, removals, checklist regressions and alerts as each
prefers (at once, a daily digest, not at all; per kind of event), and the chat webhook
hears of all of them, hostile names escaped in the HTML mail and in Slack's mrkdwn."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone
from django_q.brokers import get_broker

from integrations import alerts
from portal.models import NotificationPreference
from portal.notifications import delivery, tasks
from portal.staff_group import ensure_onboarding_group
from restaurants import connection_events, timeline
from restaurants.models import TimelineEntry
from tests.portal.notifications.receiver import chat_receiver
from tests.stored import stored, variant

pytestmark = pytest.mark.django_db

HOSTILE = "<b>Bad</b> & <!channel> Diner"


@pytest.fixture(autouse=True)
def quick(settings):
    settings.NOTIFY_BACKOFF_SECONDS = 0.01
    settings.NOTIFY_ATTEMPTS = 3
    settings.NOTIFY_WEBHOOK_URL = ""


@pytest.fixture
def restaurant(db):
    return stored(variant("restaurant_sparse", general__name=HOSTILE))


def staff(name, delivery, **categories):
    user = User.objects.create_user(name, email=f"{name}@partner.example", is_staff=True)
    user.groups.add(ensure_onboarding_group())
    NotificationPreference.objects.create(user=user, delivery=delivery, **categories)
    return user


def notable_entries(restaurant):
    connection_events.applied_many([connection_events.Applied(restaurant.pk, "added")])
    connection_events.applied_many([connection_events.Applied(restaurant.pk, "removed")])
    timeline.record(restaurant.pk, timeline.Kind.CHECKLIST, "Checklist: hours", action="undone")
    timeline.record(restaurant.pk, timeline.Kind.NOTE, "A note", action="added")  # not notable
    return list(TimelineEntry.objects.filter(restaurant=restaurant).values_list("pk", flat=True))


def test_users_are_told_at_once_of_what_they_chose_only(restaurant):
    everything = staff("ann", "immediate")
    staff("bob", "immediate", removal=False, regression=False)
    staff("cid", "digest")
    staff("dee", "off")
    alert = alerts.raise_alert("halt", "Halted: GET /x", "It failed 5 times")
    mail.outbox.clear()  # the admins' alert mail

    tasks.notify(notable_entries(restaurant), [alert.pk])

    by_user = {m.to[0].split("@")[0]: m for m in mail.outbox}
    assert sorted(by_user) == ["ann", "bob"]
    assert "New connection" in by_user["ann"].body
    assert "Removed the integration" in by_user["ann"].body
    assert "Checklist regression" in by_user["ann"].body
    assert "Request halted" in by_user["ann"].body
    assert "A note" not in by_user["ann"].body
    assert "Removed" not in by_user["bob"].body and "regression" not in by_user["bob"].body
    html = by_user["ann"].alternatives[0][0]
    assert "<b>Bad</b>" not in html and "&lt;b&gt;Bad&lt;/b&gt; &amp; &lt;!channel&gt;" in html
    assert "\n" not in by_user["ann"].subject
    assert everything.email in by_user["ann"].to


def test_staff_without_a_group_hear_nothing(restaurant):
    user = User.objects.create_user("eve", email="eve@partner.example", is_staff=True)
    NotificationPreference.objects.create(user=user, delivery="immediate")
    tasks.notify(notable_entries(restaurant), [])
    assert mail.outbox == []


def test_the_digest_collects_the_day_once(restaurant):
    staff("cid", "digest", regression=False)
    entries = notable_entries(restaurant)
    assert entries
    tasks.send_digests()
    [digest] = mail.outbox
    assert digest.subject.endswith("Daily digest: 2 events")
    assert "Checklist regression" not in digest.body
    tasks.send_digests()  # nothing new since
    assert len(mail.outbox) == 1
    assert NotificationPreference.objects.get().last_digest_at <= timezone.now()


def test_the_chat_webhook_gets_every_event_escaped_for_mrkdwn(restaurant, settings):
    with chat_receiver() as receiver:
        settings.NOTIFY_WEBHOOK_URL = receiver.url
        tasks.notify(notable_entries(restaurant), [])
    [body] = receiver.received
    lines = body["text"].splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("*New connection*: <http")
    assert "&lt;b&gt;Bad&lt;/b&gt; &amp; &lt;!channel&gt; Diner>" in lines[0]
    assert "<!channel>" not in body["text"] and "<b>" not in body["text"]


def test_a_failing_webhook_is_retried_and_a_refusal_is_not(restaurant, settings):
    with chat_receiver(failures=2) as receiver:
        settings.NOTIFY_WEBHOOK_URL = receiver.url
        assert delivery.chat(tasks.events.load(notable_entries(restaurant)))
    assert len(receiver.attempts) == 3 and len(receiver.received) == 1
    with chat_receiver(failures=5, status=404) as receiver:
        settings.NOTIFY_WEBHOOK_URL = receiver.url
        assert not delivery.chat(tasks.events.load(notable_entries(restaurant)))
    assert len(receiver.attempts) == 1


def test_one_task_is_queued_per_batch_and_none_for_nothing_notable(
    restaurant, django_capture_on_commit_callbacks
):
    broker = get_broker()
    broker.purge_queue()
    staff("dig", "digest")
    with django_capture_on_commit_callbacks(execute=True):
        connection_events.applied_many([connection_events.Applied(restaurant.pk, "added")])
    assert broker.queue_size() == 0  # nobody hears of it at once: digests read the rows
    staff("ann", "immediate")
    with django_capture_on_commit_callbacks(execute=True):
        timeline.record(restaurant.pk, timeline.Kind.NOTE, "A note", action="added")
    assert broker.queue_size() == 0
    with django_capture_on_commit_callbacks(execute=True):
        timeline.record_many(
            [
                timeline.entry_for(restaurant.pk, "checklist", f"item {n}", action="undone")
                for n in range(30)
            ]
        )
    assert broker.queue_size() == 1
    with django_capture_on_commit_callbacks(execute=True):
        alerts.raise_alert("circuit", "Circuit open", "The platform fails")
    assert broker.queue_size() == 2
    broker.purge_queue()


def test_a_broker_that_fails_costs_the_notification_not_the_writer(
    restaurant, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    # The one mock: a broker that cannot take a task (a real one down is not at hand).
    monkeypatch.setattr("portal.notifications.dispatch.async_task", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        connection_events.applied_many([connection_events.Applied(restaurant.pk, "added")])
    assert TimelineEntry.objects.filter(restaurant=restaurant, action="added").exists()
