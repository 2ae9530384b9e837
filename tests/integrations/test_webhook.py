"""The partners webhook: verified, stored once, queued, answered at once."""

import json
import uuid

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from integrations.models import WebhookEvent
from integrations.signing import sign
from integrations.tasks import process_webhook_event
from restaurants.models import Connection

from .events import WEBHOOK_URL, partner_event, post_event

pytestmark = pytest.mark.django_db

RESTAURANT = uuid.UUID("e728cd53-2fa7-4e63-8f8f-93e78ea66b03")


def test_valid_event_is_stored_queued_and_answered_before_any_work(
    client, broker, django_capture_on_commit_callbacks
):
    event = partner_event("partner_added", RESTAURANT)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, event)
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert (stored.guid, stored.restaurant_guid) == (uuid.UUID(event["guid"]), RESTAURANT)
    assert broker.queue_size() == 1
    assert not Connection.objects.exists()  # the work happens in the queue


def test_redelivery_answers_2xx_and_changes_nothing(client, broker):
    event = partner_event("partner_added", RESTAURANT)
    assert post_event(client, event).status_code == 200
    again = post_event(client, event)
    assert again.status_code == 200
    assert again.json()["message"] == "duplicate"
    stored = WebhookEvent.objects.get()
    assert stored.deliveries == 2


@pytest.mark.parametrize(
    "tamper",
    [
        {"signature": ""},
        {"signature": "bm90IHRoZSBzaWduYXR1cmU="},
        {"secret": "another-subscription-secret"},
    ],
    ids=["missing", "wrong", "other-secret"],
)
def test_bad_signature_is_refused_and_nothing_stored(client, tamper):
    response = post_event(client, partner_event("partner_added", RESTAURANT), **tamper)
    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


def test_tampered_body_is_refused(client):
    event = partner_event("partner_added", RESTAURANT)
    signature = sign(settings.TOAST_WEBHOOK_SECRET, json.dumps(event).encode(), event["timestamp"])
    event["details"]["externalRestaurantRef"] = "someone-else"
    response = post_event(client, event, signature=signature)
    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"eventCategory": "order", "eventType": "partner_added"}).encode(),
    ],
    ids=["not-json", "not-object", "wrong-category"],
)
def test_body_not_in_the_documented_format_is_400(client, body):
    event = partner_event("partner_added", RESTAURANT)
    response = post_event(client, event, body=body)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"guid": "not-a-guid"},
        {"timestamp": "yesterday"},
        {"details": {"restaurantGuid": "nope"}},
        # Valid JSON, but no database can store the name.
        {"details": {"restaurantGuid": str(RESTAURANT), "restaurantName": "Caf\ud800"}},
    ],
)
def test_fields_not_in_the_documented_format_are_400(client, change):
    event = {**partner_event("partner_added", RESTAURANT), **change}
    assert post_event(client, event).status_code == 400
    assert not WebhookEvent.objects.exists()


@override_settings(TOAST_WEBHOOK_MAX_BYTES=512)
def test_oversized_body_is_413(client):
    event = partner_event("partner_added", RESTAURANT, restaurantName="x" * 600)
    assert post_event(client, event).status_code == 413


def test_the_webhook_answers_other_methods_and_paths_without_redirecting(client):
    assert client.get(WEBHOOK_URL).status_code == 405
    assert client.post(WEBHOOK_URL.rstrip("/") + "/").status_code == 404


def test_events_drive_the_connection_lifecycle(client, broker):
    added = partner_event("partner_added", RESTAURANT)
    updated = partner_event(
        "partner_updated", RESTAURANT, externalRestaurantRef="store-2", restaurantName="Renamed"
    )
    removed = partner_event("partner_removed", RESTAURANT)
    for event in (added, updated, removed):
        post_event(client, event)
        process_webhook_event(WebhookEvent.objects.get(guid=event["guid"]).pk)
        connection = Connection.objects.get(pk=RESTAURANT)
        if event is added:
            assert connection.status == Connection.Status.CONNECTED
        if event is updated:
            assert (connection.external_restaurant_ref, connection.restaurant_name) == (
                "store-2",
                "Renamed",
            )
    assert connection.status == Connection.Status.REMOVED
    assert connection.removed_at is not None
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}


def test_an_older_event_arriving_late_changes_nothing(client, broker):
    newer = partner_event("partner_updated", RESTAURANT, externalRestaurantRef="new")
    an_hour_earlier = timezone.now() - timezone.timedelta(hours=1)
    older = partner_event(
        "partner_updated", RESTAURANT, at=an_hour_earlier, externalRestaurantRef="old"
    )
    for event in (newer, older):
        post_event(client, event)
        process_webhook_event(WebhookEvent.objects.get(guid=event["guid"]).pk)
    assert Connection.objects.get(pk=RESTAURANT).external_restaurant_ref == "new"


def test_details_with_bad_fields_fail_visibly_without_crashing(client, broker):
    event = partner_event("partner_added", RESTAURANT, createdDate="last tuesday")
    post_event(client, event)
    stored = WebhookEvent.objects.get()
    process_webhook_event(stored.pk)
    stored.refresh_from_db()
    assert stored.status == WebhookEvent.Status.FAILED
    assert "createdDate" in stored.error
    assert not Connection.objects.exists()
