"""Partner events count in the order of their own timestamps, never of `modifiedDate`;
what is judged stale says so on the event staff see (integrations/sync/lifecycle.py)."""

import datetime
import itertools
import uuid

import pytest
from django.utils import timezone

from integrations.models import WebhookEvent
from integrations.sync import lifecycle, polling
from integrations.tasks import process_webhook_event
from restaurants.models import Connection
from tests.integrations.events import deliver, partner_event, post_event
from tests.platform import connected_guids

pytestmark = pytest.mark.django_db

RESTAURANT = uuid.UUID("e728cd53-2fa7-4e63-8f8f-93e78ea66b03")


def _at(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


# The developer guide's partner webhook examples: each event's timestamp and the
# modifiedDate it carries. The removal carries the add's, older than the update's.
GUIDE = {
    "partner_added": (_at("2019-09-16T21:04:40.240Z"), 1568667880240),
    "partner_updated": (_at("2019-09-16T21:14:02.142Z"), 1568667977351),
    "partner_removed": (_at("2019-09-16T21:22:12.825Z"), 1568667880240),
}


def _guide_event(event_type, **details):
    at, modified = GUIDE[event_type]
    return partner_event(event_type, RESTAURANT, at=at, modifiedDate=modified, **details)


def _status():
    return Connection.objects.get(pk=RESTAURANT).status


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))), ids=str)
def test_the_guides_removal_ends_removed_in_any_arrival_order(client, order):
    events = [
        _guide_event("partner_added"),
        _guide_event("partner_updated", externalRestaurantRef="boston01"),
        _guide_event("partner_removed", externalRestaurantRef=None),
    ]
    stored = [deliver(client, events[i]) for i in order]
    assert _status() == Connection.Status.REMOVED
    removal = next(row for row in stored if row.event_type == "partner_removed")
    assert (removal.status, removal.outcome) == ("processed", "Connection removed.")
    for row in stored:
        assert row.status in ("processed", "stale")
        assert row.outcome  # what it did, or why it did nothing


def test_added_removed_added_ends_connected(client):
    start = timezone.now() - timezone.timedelta(hours=1)
    for minutes, event_type in enumerate(["partner_added", "partner_removed", "partner_added"]):
        at = start + timezone.timedelta(minutes=minutes)
        # The second add keeps the first add's date: only the timestamps order them.
        deliver(client, partner_event(event_type, RESTAURANT, at=at, modifiedDate=0))
    assert _status() == Connection.Status.CONNECTED
    assert Connection.objects.get(pk=RESTAURANT).removed_at is None


def test_a_late_first_delivery_of_an_older_event_is_stale_and_staff_see_why(client, admin_client):
    deliver(client, _guide_event("partner_added"))
    removal = deliver(client, _guide_event("partner_removed"))
    # The update's first delivery failed; the platform's retry comes after the removal.
    late = deliver(client, _guide_event("partner_updated", externalRestaurantRef="boston01"))

    assert late.status == WebhookEvent.Status.STALE
    assert f"webhook event #{removal.pk}" in late.outcome
    connection = Connection.objects.get(pk=RESTAURANT)
    assert connection.status == Connection.Status.REMOVED
    assert connection.external_restaurant_ref == "store-1"  # not the late update's boston01
    for page in ("/", f"/restaurants/{RESTAURANT}/"):
        html = admin_client.get(page).content.decode()
        assert "Stale, not applied" in html
        assert f"webhook event #{removal.pk}" in html


def test_a_redelivery_after_later_events_changes_nothing(client):
    added = _guide_event("partner_added")
    deliver(client, added)
    deliver(client, _guide_event("partner_removed"))
    again = post_event(client, added)
    assert again.json()["message"] == "duplicate"
    assert WebhookEvent.objects.get(guid=added["guid"]).deliveries == 2
    assert _status() == Connection.Status.REMOVED


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_poll_just_after_a_removal_does_not_resurrect_it(client, toast, sim):
    polling.poll(toast, full=True)
    guid = uuid.UUID(connected_guids(sim)[0])
    # The platform's lists trail its events: the simulator still lists it.
    two_minutes_ago = timezone.now() - timezone.timedelta(minutes=2)
    removal = deliver(client, partner_event("partner_removed", guid, at=two_minutes_ago))

    polling.poll(toast, full=True)

    assert Connection.objects.get(pk=guid).status == Connection.Status.REMOVED
    removal.refresh_from_db()
    assert "The partners poll counted at" in removal.outcome
    assert "listed it as connected; not applied, this event is later" in removal.outcome


def test_a_full_poll_that_started_before_an_add_does_not_remove_it(client):
    started = timezone.now() - timezone.timedelta(minutes=1)
    added = deliver(client, partner_event("partner_added", RESTAURANT))
    assert lifecycle.remove_unlisted(set(), started) == []
    assert _status() == Connection.Status.CONNECTED
    added.refresh_from_db()
    assert "did not list it; not applied, this event is later" in added.outcome


def test_a_full_poll_removes_what_a_webhook_connected_before_it(client):
    deliver(client, _guide_event("partner_added"))
    changes = lifecycle.remove_unlisted(set(), timezone.now())
    assert [change.kind for change in changes] == [lifecycle.REMOVED]
    assert _status() == Connection.Status.REMOVED


def test_a_removed_restaurant_a_poll_did_not_list_stays_removed_when_an_older_add_arrives(
    client,
):
    deliver(client, _guide_event("partner_removed"))
    lifecycle.remove_unlisted(set(), _at("2019-09-16T22:00:00Z"))
    late = deliver(
        client, partner_event("partner_added", RESTAURANT, at=_at("2019-09-16T21:30:00Z"))
    )
    assert late.status == WebhookEvent.Status.STALE
    assert "partners poll counted at 2019-09-16T22:00:00.000+00:00" in late.outcome
    assert _status() == Connection.Status.REMOVED


def test_events_of_the_same_timestamp_count_in_arrival_order_whoever_runs_first(client):
    at = timezone.now()
    added = partner_event("partner_added", RESTAURANT, at=at)
    removed = partner_event("partner_removed", RESTAURANT, at=at)
    for event in (added, removed):  # arrival order
        post_event(client, event)
    for event in (removed, added):  # two workers, the second one faster
        process_webhook_event(WebhookEvent.objects.get(guid=event["guid"]).pk)
    assert _status() == Connection.Status.REMOVED
    assert WebhookEvent.objects.get(guid=added["guid"]).status == WebhookEvent.Status.STALE


def test_a_webhook_wins_over_a_poll_that_counts_at_the_same_instant(client):
    at = timezone.now().replace(microsecond=0)  # a timestamp carries milliseconds
    removal = deliver(client, partner_event("partner_removed", RESTAURANT, at=at))
    listed = lifecycle.apply_listed({"restaurantGuid": str(RESTAURANT)}, at + lifecycle.LIST_LAG)
    assert listed.kind == lifecycle.STALE
    assert _status() == Connection.Status.REMOVED
    removal.refresh_from_db()
    assert "listed it as connected" in removal.outcome
