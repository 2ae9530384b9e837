"""The restaurant page's onboarding work: who may change what, and the audit trail."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from integrations.sync.lifecycle import Moment, apply_partner_record
from restaurants import timeline
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Restaurant, Stage, TimelineEntry
from tests.payloads import load_payload, with_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def restaurant():
    """Connected, data received, online ordering off: in review."""
    guid = str(uuid.uuid4())
    apply_partner_record({"restaurantGuid": guid}, moment=Moment(timezone.now()))
    data = with_change(load_payload("restaurant_full"), "guid", guid)
    apply_restaurant_info(with_change(data, "onlineOrdering.enabled", False))
    return Restaurant.objects.get(pk=guid)


@pytest.fixture
def viewer_client(client, db):
    """Staff who may look at restaurants but not work on them."""
    user = User.objects.create_user("vera", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_restaurant"))
    client.force_login(user)
    return client


def post(client, restaurant, what, **data):
    return client.post(f"/restaurants/{restaurant.pk}/{what}/", data, follow=True)


def audit(restaurant, kind):
    return TimelineEntry.objects.filter(restaurant=restaurant, kind=kind, actor__isnull=False)


def test_onboarding_staff_go_live_with_an_override_and_it_is_recorded(
    staff_client, staff_user, restaurant
):
    refused = post(staff_client, restaurant, "stage", action="live")
    assert "Stage not changed: The checklist is incomplete" in refused.content.decode()
    assert Restaurant.objects.get(pk=restaurant.pk).stage == Stage.IN_REVIEW
    page = post(staff_client, restaurant, "stage", action="live", override="on", reason="Pilot")
    assert page.status_code == 200 and "is now Live" in page.content.decode()
    entry = audit(restaurant, TimelineEntry.Kind.STAGE).get()
    assert entry.actor == staff_user
    assert (entry.before, entry.after) == ({"stage": "in_review"}, {"stage": "live"})
    assert "Pilot" in page.content.decode()  # the reason, on the page


def test_a_viewer_sees_the_work_but_cannot_change_it(viewer_client, restaurant):
    page = viewer_client.get(f"/restaurants/{restaurant.pk}/").content.decode()
    assert "Onboarding work" in page and "Change the stage" not in page
    for what, data in [
        ("stage", {"action": "block", "reason": "x"}),
        ("owner", {"owner": "me"}),
        ("next-step", {"next_step": "Call"}),
        ("notes", {"note": "hello"}),
    ]:
        assert viewer_client.post(f"/restaurants/{restaurant.pk}/{what}/", data).status_code == 403
    assert not TimelineEntry.objects.filter(restaurant=restaurant, actor__isnull=False).exists()


def test_owner_next_step_and_note_each_leave_their_audit_record(
    staff_client, staff_user, restaurant
):
    post(staff_client, restaurant, "owner", owner="me")
    due = timezone.localdate() - datetime.timedelta(days=1)
    post(staff_client, restaurant, "next-step", next_step="Call the manager", due=due.isoformat())
    page = post(staff_client, restaurant, "notes", note="<script>alert(1)</script> spoke to Ann")
    restaurant.refresh_from_db()
    assert (restaurant.owner, restaurant.next_step, restaurant.next_step_due) == (
        staff_user,
        "Call the manager",
        due,
    )
    assert audit(restaurant, TimelineEntry.Kind.OWNER).get().after == {"owner": "olivia"}
    assert audit(restaurant, TimelineEntry.Kind.NEXT_STEP).get().before == {
        "next_step": "",
        "due": None,
    }
    html = page.content.decode()
    assert "Overdue" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; spoke to Ann" in html
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize(
    ("what", "data", "said"),
    [
        ("owner", {"owner": "99999"}, "choose an active staff user"),
        ("owner", {"owner": "junk"}, "choose an active staff user"),
        ("next-step", {"next_step": "x", "due": "2026-02-30"}, "is not a date"),
        ("next-step", {"next_step": "", "due": "2026-03-01"}, "needs a next step"),
        ("notes", {"note": "   "}, "needs some text"),
        ("stage", {"action": "connected"}, "Choose what to do"),
        ("stage", {"action": "block"}, "Say why"),
    ],
)
def test_bad_input_is_a_message_never_an_error(staff_client, restaurant, what, data, said):
    page = post(staff_client, restaurant, what, **data)
    assert page.status_code == 200 and said in page.content.decode()
    assert not TimelineEntry.objects.filter(restaurant=restaurant, actor__isnull=False).exists()


def test_the_timeline_pages_back_through_older_entries(staff_client, staff_user, restaurant):
    for number in range(60):
        TimelineEntry.objects.create(
            restaurant=restaurant,
            kind=TimelineEntry.Kind.NOTE,
            action="added",
            summary=f"note {number}",
            at=timezone.now() - datetime.timedelta(days=1, minutes=number),
        )
    first = staff_client.get(f"/restaurants/{restaurant.pk}/").content.decode()
    assert "note 0" in first and "note 59" not in first and "timeline_before=" in first
    older = first.split('href="?timeline_before=')[1].split('"')[0]
    second = staff_client.get(f"/restaurants/{restaurant.pk}/?timeline_before={older}")
    assert "note 59" in second.content.decode()
    junk = staff_client.get(f"/restaurants/{restaurant.pk}/?timeline_before=junk")
    assert junk.status_code == 200


def test_entries_of_one_instant_are_paged_without_a_gap(restaurant):
    """A stage move's steps share their instant: a page may end among them."""
    at = timezone.now() - datetime.timedelta(days=2)
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            restaurant=restaurant, kind="note", action="added", summary=f"same {n}", at=at
        )
        for n in range(70)
    )
    seen, cursor = [], None
    for _ in range(5):
        page = timeline.page(restaurant, cursor)
        seen += [item.summary for item in page.items]
        cursor = page.older
        if cursor is None:
            break
    same = [summary for summary in seen if summary.startswith("same ")]
    assert sorted(same) == sorted(f"same {n}" for n in range(70))
    assert len(seen) == len(set(seen)) and cursor is None
    assert timeline.parse_cursor("junk") is None and timeline.parse_cursor("x~1~2") is None
