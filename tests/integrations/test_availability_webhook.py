"""The restaurant_availability webhook: stored, processed through the queue, in the order
of the events' timestamps (a late older event never overrides a newer state), and
bad details recorded on the event with the last good state kept (never a 5xx)."""

import datetime
import json
import time
import uuid

import pytest
from django.utils import timezone

from integrations.models import ApiFailure, WebhookEvent
from integrations.sync import availability
from integrations.tasks import process_webhook_event, scheduled_availability
from restaurants.models import Connection, Restaurant, TimelineEntry
from tests.integrations.events import availability_event, deliver, post_event
from tests.platform import connected_guids, control, qcluster, running_simulator, stats

pytestmark = pytest.mark.django_db

RESTAURANT = uuid.UUID("5b0f7d6e-53a3-4d0a-9a3c-6c1f0e2a9b11")
T0 = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def _restaurant():
    return Restaurant.objects.get(pk=RESTAURANT)


def test_an_offline_event_takes_the_restaurant_offline_with_its_reason(client):
    event = deliver(client, availability_event(RESTAURANT, "OFFLINE", at=T0))

    restaurant = _restaurant()
    assert (event.status, event.outcome) == ("processed", "Availability offline.")
    assert restaurant.availability == Restaurant.Availability.OFFLINE
    assert restaurant.availability_reason == "Restaurant cannot accept online orders"
    assert (restaurant.availability_since, restaurant.availability_source) == (T0, "webhook")


def test_a_late_older_event_never_overrides_a_newer_state(client):
    later = availability_event(RESTAURANT, "OFFLINE", at=T0 + datetime.timedelta(minutes=7))
    older = availability_event(RESTAURANT, "ONLINE", at=T0)

    deliver(client, later)
    stale = deliver(client, older)

    assert _restaurant().availability == Restaurant.Availability.OFFLINE
    assert stale.status == WebhookEvent.Status.STALE
    assert "already holds the later webhook event" in stale.outcome


def test_a_newer_event_brings_the_restaurant_back_online_since_its_timestamp(client):
    deliver(client, availability_event(RESTAURANT, "OFFLINE", at=T0))
    back = T0 + datetime.timedelta(minutes=30)
    deliver(client, availability_event(RESTAURANT, "ONLINE", at=back))

    restaurant = _restaurant()
    assert (restaurant.availability, restaurant.availability_since) == ("ONLINE", back)


def test_each_change_is_a_timeline_entry_and_nothing_else_is(client):
    deliver(client, availability_event(RESTAURANT, "ONLINE", at=T0))  # as assumed: no change
    deliver(client, availability_event(RESTAURANT, "OFFLINE", at=T0 + _MINUTE, reason="<b>x"))
    deliver(client, availability_event(RESTAURANT, "OFFLINE", at=T0 + 2 * _MINUTE))
    deliver(client, availability_event(RESTAURANT, "ONLINE", at=T0 - _MINUTE))  # stale
    deliver(client, availability_event(RESTAURANT, "ONLINE", at=T0 + 3 * _MINUTE))

    entries = TimelineEntry.objects.filter(restaurant_id=RESTAURANT, kind="availability")
    assert [
        (entry.at, entry.action, entry.before, entry.after, entry.summary)
        for entry in entries.order_by("at")
    ] == [
        (
            T0 + _MINUTE,
            "offline",
            {"availability": "ONLINE"},
            {"availability": "OFFLINE"},
            "Stopped taking online orders: <b>x",
        ),
        (
            T0 + 3 * _MINUTE,
            "online",
            {"availability": "OFFLINE"},
            {"availability": "ONLINE"},
            "Taking online orders again.",
        ),
    ]


def test_a_redelivery_changes_nothing(client):
    event = availability_event(RESTAURANT, "OFFLINE", at=T0)
    first = deliver(client, event)

    assert post_event(client, event).status_code == 200
    first.refresh_from_db()
    assert (WebhookEvent.objects.count(), first.deliveries) == (1, 2)


BAD_DETAILS = {
    "no status": {"status": None},
    "a number for status": {"status": 0},
    "a status the portal does not know": {"status": "PAUSED"},
    "a reason that is no text": {"reason": {"html": "<b>x</b>"}},
    "an overlong reason": {"reason": "x" * 5000},
}


@pytest.mark.parametrize("case", BAD_DETAILS, ids=list(BAD_DETAILS))
def test_bad_details_are_recorded_on_the_event_and_the_last_state_kept(client, case):
    deliver(client, availability_event(RESTAURANT, "OFFLINE", at=T0))
    bad = availability_event(RESTAURANT, "ONLINE", at=T0 + datetime.timedelta(minutes=1))
    bad["details"].update(BAD_DETAILS[case])

    event = deliver(client, bad)

    assert event.status == WebhookEvent.Status.FAILED
    assert event.error.startswith("Not applied: ")
    restaurant = _restaurant()
    assert (restaurant.availability, restaurant.availability_since) == ("OFFLINE", T0)
    assert event.payload["details"] == bad["details"]  # kept as sent


def test_details_that_name_no_restaurant_are_refused_with_a_4xx(client):
    event = availability_event(RESTAURANT)
    del event["details"]["restaurantGuid"]

    answer = post_event(client, event)

    assert answer.status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(("webhook_after_read", "expected"), [(True, "OFFLINE"), (False, "ONLINE")])
def test_an_api_read_counts_at_its_request_and_yields_to_a_later_webhook(
    toast, sim, webhook_after_read, expected
):
    guid = connected_guids(sim)[0]
    control(sim, "POST", f"restaurants/{guid}/availability", json={"status": "ONLINE"})
    _apply_webhook(guid, "OFFLINE", timezone.now() + (_MINUTE if webhook_after_read else -_MINUTE))

    applied = availability.read_from_platform(guid, toast)

    restaurant = Restaurant.objects.get(pk=guid)
    assert applied is not None and applied.stale is webhook_after_read
    assert restaurant.availability == expected
    assert restaurant.availability_source == ("webhook" if webhook_after_read else "api")


def test_a_broken_api_answer_keeps_the_last_state_and_is_a_failure(toast, sim):
    guid = connected_guids(sim)[1]
    _apply_webhook(guid, "OFFLINE", timezone.now() - _MINUTE)
    control(sim, "PUT", "faults", json={"malformed_availability_rate": 1.0})

    assert availability.read_from_platform(guid, toast) is None

    assert Restaurant.objects.get(pk=guid).availability == "OFFLINE"
    assert ApiFailure.objects.filter(restaurant_guid=guid, kind="malformed").exists()


_MINUTE = datetime.timedelta(minutes=1)


def _apply_webhook(guid, status, at):
    event = WebhookEvent.objects.create(
        guid=uuid.uuid4(),
        event_type="availability_offline",
        event_category="restaurant_availability",
        timestamp=at,
        restaurant_guid=guid,
        payload=availability_event(guid, status, at=at),
    )
    process_webhook_event(event.pk)


@pytest.mark.usefixtures("no_drain_queued")
@pytest.mark.django_db(transaction=True)
def test_the_simulators_webhook_reaches_the_restaurant_through_a_queue_worker(live_server):
    url = f"{live_server.url}/webhooks/toast/partners"
    hostile = '<script>alert("x")</script>'
    with (
        running_simulator(restaurants=3, groups=1, webhook_url=url) as sim,
        qcluster(sim.url, DJANGO_SETTINGS_MODULE="tests.settings"),
    ):
        guid = connected_guids(sim)[0]
        path = f"restaurants/{guid}/availability"
        sent = control(sim, "POST", path, json={"status": "OFFLINE", "reason": hostile})
        assert sent["status"] == 200
        _wait_for_processed(1)
        offline = Restaurant.objects.get(pk=guid)
        control(sim, "POST", path, json={"status": "ONLINE"})
        _wait_for_processed(2)
    event = WebhookEvent.objects.get(guid=sent["event"]["guid"])
    assert (event.event_category, event.event_type) == (
        "restaurant_availability",
        "availability_offline",
    )
    assert json.loads(json.dumps(event.payload))["details"]["reason"] == hostile
    assert (offline.availability, offline.availability_reason) == ("OFFLINE", hostile)
    assert Restaurant.objects.get(pk=guid).availability == "ONLINE"


def _wait_for_processed(count):
    deadline = time.monotonic() + 60
    while WebhookEvent.objects.filter(status="processed").count() < count:
        assert time.monotonic() < deadline, "the queue did not process the event"
        time.sleep(0.1)


def test_the_schedule_reads_again_only_the_restaurants_shown_offline(toast, sim):
    missed, online = connected_guids(sim)[4:6]
    for guid, status in ((missed, "OFFLINE"), (online, "ONLINE")):
        Connection.objects.create(restaurant=Restaurant.objects.create(guid=guid))
        _apply_webhook(guid, status, timezone.now() - _MINUTE)
    # The platform brought `missed` back online, and its webhook never arrived.
    control(sim, "POST", f"restaurants/{missed}/availability", json={"status": "ONLINE"})
    control(sim, "POST", "stats/reset")

    scheduled_availability()

    assert Restaurant.objects.get(pk=missed).availability == "ONLINE"
    asked = stats(sim)["restaurant_requests"]
    assert asked == {missed: 1}
