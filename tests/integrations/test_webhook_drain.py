"""Stored webhook events applied by a drain, in batches: one queue task for many events,
each event applied once by the same rules as one at a time, a bad one failing alone."""

import json
import threading
import uuid
from types import SimpleNamespace

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from integrations.models import WebhookEvent
from integrations.signing import sign
from integrations.sync import lifecycle, webhook_events
from restaurants.models import Connection, TimelineEntry

from .events import WEBHOOK_URL, partner_event, post_event

pytestmark = pytest.mark.usefixtures("no_drain_queued")

ONE, TWO, THREE = (uuid.UUID(int=n) for n in (101, 102, 103))


def _status(event):
    return WebhookEvent.objects.get(guid=event["guid"]).status


def _platform_entries(guid):
    return TimelineEntry.objects.filter(restaurant_id=guid, kind=TimelineEntry.Kind.PLATFORM)


def test_the_receiver_queues_one_drain_for_many_events_and_another_after_it(
    client, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for guid in (ONE, TWO, THREE):
            assert post_event(client, partner_event("partner_added", guid)).status_code == 200
    assert broker.queue_size() == 1  # not a task per event
    assert webhook_events.drain() == 3
    assert not WebhookEvent.objects.received().exists()
    # The drain is done: the next event queues a drain of its own.
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, partner_event("partner_updated", ONE, restaurantName="Later"))
    assert broker.queue_size() == 2


def test_a_drain_applies_every_event_once_in_arrival_order_batch_after_batch(
    client, broker, monkeypatch
):
    monkeypatch.setattr(webhook_events, "BATCH", 2)
    events = [
        partner_event("partner_added", ONE),
        partner_event("partner_added", TWO),
        partner_event("partner_updated", ONE, externalRestaurantRef="store-9"),
        partner_event("partner_removed", TWO),
        partner_event("partner_suspended", THREE),  # an event type the portal does not know
    ]
    for event in events:
        post_event(client, event)

    assert webhook_events.drain() == 5
    assert webhook_events.drain() == 0
    assert [_status(event) for event in events] == ["processed"] * 4 + ["failed"]
    one, two = Connection.objects.get(pk=ONE), Connection.objects.get(pk=TWO)
    assert (one.status, one.external_restaurant_ref) == (Connection.Status.CONNECTED, "store-9")
    assert two.status == Connection.Status.REMOVED
    assert list(_platform_entries(TWO).order_by("id").values_list("action", flat=True)) == [
        "added",
        "removed",
    ]
    assert not Connection.objects.filter(pk=THREE).exists()


def test_an_event_that_fails_is_recorded_and_the_others_of_its_batch_are_applied(client):
    good = partner_event("partner_added", ONE)
    bad_field = partner_event("partner_added", TWO, createdDate="last tuesday")
    for event in (good, bad_field):
        post_event(client, event)
    # Stored before the receiver checked as much (an older portal): no details at all.
    broken = WebhookEvent.objects.create(
        guid=uuid.uuid4(),
        event_type="partner_updated",
        event_category="partner",
        timestamp=WebhookEvent.objects.get(guid=good["guid"]).timestamp,
        restaurant_guid=THREE,
        payload={"eventType": "partner_updated"},
    )
    also_good = partner_event("partner_added", THREE)
    post_event(client, also_good)

    assert webhook_events.drain() == 4

    assert (_status(good), _status(also_good)) == ("processed", "processed")
    failed = WebhookEvent.objects.get(guid=bad_field["guid"])
    assert (failed.status, "createdDate" in failed.error) == ("failed", True)
    broken.refresh_from_db()
    assert broken.status == "failed" and broken.error.startswith("Not applied: the portal failed")
    assert set(Connection.objects.values_list("pk", flat=True)) == {ONE, THREE}


def test_when_recording_a_batch_together_fails_each_event_is_applied_alone(client, monkeypatch):
    events = [partner_event("partner_added", guid) for guid in (ONE, TWO, THREE)]
    for event in events:
        post_event(client, event)
    recorded = lifecycle.connection_events.applied_many

    def fails_for_two(applied):
        if any(effect.guid == TWO for effect in applied):
            raise ValueError("a timeline entry no database takes")
        recorded(applied)

    monkeypatch.setattr(lifecycle.connection_events, "applied_many", fails_for_two)

    assert webhook_events.drain() == 3

    assert [_status(event) for event in events] == ["processed", "failed", "processed"]
    assert set(Connection.objects.values_list("pk", flat=True)) == {ONE, THREE}
    assert _platform_entries(ONE).count() == _platform_entries(THREE).count() == 1


def test_a_drain_that_finds_another_running_leaves_the_events_to_it(client):
    post_event(client, partner_event("partner_added", ONE))
    cache.add(webhook_events.LOCK_KEY, "another drain", 60)

    assert webhook_events.drain() == 0
    assert WebhookEvent.objects.received().count() == 1

    cache.delete(webhook_events.LOCK_KEY)
    assert webhook_events.drain() == 1


@pytest.mark.django_db(transaction=True)
def test_a_redelivery_during_processing_is_counted_and_not_applied_again(live_server, monkeypatch):
    event = partner_event("partner_added", ONE)
    body = json.dumps(event).encode()
    headers = {
        "Content-Type": "application/json",
        "Toast-Signature": sign(settings.TOAST_WEBHOOK_SECRET, body, event["timestamp"]),
        "Toast-Attempt-Number": "1",
    }
    url = f"{live_server.url}{WEBHOOK_URL}"
    assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 200
    answers = []

    def redeliver():
        again = {**headers, "Toast-Attempt-Number": "2"}
        answers.append(requests.post(url, data=body, headers=again, timeout=60))

    sender = threading.Thread(target=redeliver)
    applying = lifecycle.apply_events_many

    def apply_with_a_redelivery_meanwhile(*args, **kwargs):
        sender.start()
        if connection.vendor == "postgresql":
            # The batch writes its marks at its end: the re-delivery does not wait for it.
            sender.join(timeout=10)
            assert answers and answers[0].json()["message"] == "duplicate"
        return applying(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "apply_events_many", apply_with_a_redelivery_meanwhile)
    assert webhook_events.drain() == 1
    sender.join(timeout=60)  # SQLite: it waited for the batch's write lock

    stored = WebhookEvent.objects.get()
    assert (stored.status, stored.deliveries, stored.attempt_number) == ("processed", 2, 2)
    assert answers[0].status_code == 200
    assert _platform_entries(ONE).count() == 1
    assert webhook_events.drain() == 0


def test_a_drain_past_its_time_queues_the_next_and_ends(client, broker, monkeypatch):
    monkeypatch.setattr(webhook_events, "BATCH", 1)
    for guid in (ONE, TWO):
        post_event(client, partner_event("partner_added", guid))
    clock = iter([0.0, 0.0, 1000.0, 1000.0])  # its start, a batch, then past its time
    monkeypatch.setattr(webhook_events, "time", SimpleNamespace(monotonic=lambda: next(clock)))

    assert webhook_events.drain() == 1  # one batch in its time, then the next drain queued
    assert (WebhookEvent.objects.received().count(), broker.queue_size()) == (1, 1)


def test_while_events_keep_coming_a_drain_waits_and_takes_them_in_one_batch(client, monkeypatch):
    post_event(client, partner_event("partner_added", ONE))
    batches, waits = [], []
    applying = webhook_events.apply

    def apply_while_two_more_arrive(event_ids):
        if not batches:  # as a storm does: more stored while the first batch is applied
            for guid in (TWO, THREE):
                post_event(client, partner_event("partner_added", guid))
        batches.append(len(event_ids))
        return applying(event_ids)

    monkeypatch.setattr(webhook_events, "apply", apply_while_two_more_arrive)
    monkeypatch.setattr(webhook_events.time, "sleep", waits.append)

    assert webhook_events.drain() == 3
    assert batches == [1, 2]
    assert waits == [webhook_events.GATHER_SECONDS]  # once: none came during the second
