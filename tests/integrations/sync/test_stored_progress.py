"""The onboarding checklist stored on each restaurant (what the list sorts and filters
on, the board, reminders and stages read) equals the checklist computed from its
data after every kind of write of its inputs: a stored payload, a partner event,
an availability event, each through the path the platform's data takes. So does
the connection status stored with it (the list's status filter, the dashboard's
figures)."""

import datetime
import uuid

import pytest

from restaurants import onboarding
from restaurants.ingest import apply_restaurant_info
from restaurants.models import WEEKDAYS, Restaurant, Stage, TimelineEntry
from tests.integrations.events import availability_event, deliver, partner_event
from tests.payloads import load_payload, with_change

pytestmark = pytest.mark.django_db

RESTAURANT = uuid.UUID("0c1d2e3f-4a5b-4c6d-8e7f-901234567890")
T0 = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def _payload(*, hours=True):
    payload = with_change(load_payload("restaurant_full"), "guid", str(RESTAURANT))
    if not hours:
        for day in WEEKDAYS:
            payload = with_change(payload, f"schedules.weekSchedule.{day}", None)
    return payload


def _store(payload):
    outcome = apply_restaurant_info(payload)
    assert outcome.ok, outcome.error


def _stored_and_computed():
    """(stored items, computed items): the stored bits as keys, and the checklist's."""
    restaurant = Restaurant.objects.get(pk=RESTAURANT)
    computed = frozenset(entry.key for entry in onboarding.checklist(restaurant) if entry.done)
    stored = onboarding.stored_items([RESTAURANT])[RESTAURANT]
    assert restaurant.onboarding_done == len(stored)
    connection = restaurant.connection_or_none
    assert restaurant.connection_status == (connection.status if connection else "prospect")
    return stored, computed


def _assert_stored_is_computed(*, done=None, missing=()):
    stored, computed = _stored_and_computed()
    assert stored == computed
    if done is not None:
        assert len(stored) == done
    assert not set(missing) & stored


def _flips(item):
    return list(
        TimelineEntry.objects.filter(restaurant_id=RESTAURANT, kind="checklist")
        .filter(details__item=item)
        .order_by("id")
        .values_list("action", flat=True)
    )


def _at(minutes):
    return T0 + datetime.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("hours", "stage"), [(True, Stage.DATA_RECEIVED), (False, Stage.IN_REVIEW)]
)
def test_a_connection_then_its_first_payload_store_what_the_checklist_says(client, hours, stage):
    deliver(client, partner_event("partner_added", RESTAURANT, at=_at(0)))
    _assert_stored_is_computed(done=2)  # connected, taking orders (no event: online)

    _store(_payload(hours=hours))
    _assert_stored_is_computed(done=onboarding.TOTAL - (not hours))
    # The stage moves on what was stored in the same transaction: a complete
    # checklist stays at Data received, an incomplete one goes to In review.
    assert Restaurant.objects.get(pk=RESTAURANT).stage == stage


def test_hours_removed_and_added_by_a_payload_are_stored_and_flip(client):
    deliver(client, partner_event("partner_added", RESTAURANT, at=_at(0)))
    _store(_payload())

    _store(_payload(hours=False))
    _assert_stored_is_computed(done=onboarding.TOTAL - 1, missing=["hours"])
    _store(_payload())
    _assert_stored_is_computed(done=onboarding.TOTAL)

    assert _flips("hours") == ["undone", "done"]


def test_a_removal_and_a_reconnection_are_stored(client):
    deliver(client, partner_event("partner_added", RESTAURANT, at=_at(0)))
    _store(_payload())

    deliver(client, partner_event("partner_removed", RESTAURANT, at=_at(5)))
    _assert_stored_is_computed(done=onboarding.TOTAL - 2, missing=["connected", "taking-orders"])
    assert Restaurant.objects.get(pk=RESTAURANT).stage == Stage.REMOVED

    deliver(client, partner_event("partner_added", RESTAURANT, at=_at(10)))
    _assert_stored_is_computed(done=onboarding.TOTAL)
    assert Restaurant.objects.get(pk=RESTAURANT).stage != Stage.REMOVED


def test_availability_offline_and_online_again_are_stored(client):
    deliver(client, partner_event("partner_added", RESTAURANT, at=_at(0)))
    _store(_payload())

    deliver(client, availability_event(RESTAURANT, "OFFLINE", at=_at(5)))
    _assert_stored_is_computed(done=onboarding.TOTAL - 1, missing=["taking-orders"])

    deliver(client, availability_event(RESTAURANT, "ONLINE", at=_at(10)))
    _assert_stored_is_computed(done=onboarding.TOTAL)


def test_an_availability_event_before_the_connection_is_stored_too(client):
    """An event may arrive before partner_added: the restaurant is made for it."""
    deliver(client, availability_event(RESTAURANT, "OFFLINE", at=_at(0)))
    _assert_stored_is_computed(done=0)

    deliver(client, partner_event("partner_added", RESTAURANT, at=_at(5)))
    _assert_stored_is_computed(done=1, missing=["taking-orders"])


def test_the_list_sorts_and_filters_on_the_stored_progress(staff_client, client):
    deliver(client, partner_event("partner_added", RESTAURANT, at=_at(0)))
    _store(_payload())
    bare = Restaurant.objects.create(guid=uuid.uuid4())

    complete = staff_client.get("/restaurants/?progress=complete")
    least_first = staff_client.get("/restaurants/?sort=progress")

    assert [r.pk for r in complete.context["page"]] == [RESTAURANT]
    assert [r.pk for r in least_first.context["page"]] == [bare.pk, RESTAURANT]
