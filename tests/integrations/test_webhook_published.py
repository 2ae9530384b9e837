"""The partners webhook as the platform's own material shows it: re-deliveries with
Toast-Attempt-Number minutes later, loosely typed details, open event types."""

import datetime
import json
import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from integrations.models import WebhookEvent
from integrations.signing import sign
from integrations.tasks import process_webhook_event
from restaurants.models import Connection

from .events import WEBHOOK_URL, partner_event

pytestmark = pytest.mark.django_db

RESTAURANT = uuid.UUID("e728cd53-2fa7-4e63-8f8f-93e78ea66b03")


def deliver(client, body, timestamp, *, attempt=None, category="partners"):
    """One delivery of `body` as the platform sends it (the header table's category)."""
    headers = {
        "Toast-Signature": sign(settings.TOAST_WEBHOOK_SECRET, body, timestamp),
        "Toast-Event-Type": "partner_added",
        "Toast-Event-Category": category,
    }
    if attempt is not None:
        headers["Toast-Attempt-Number"] = str(attempt)
    return client.post(WEBHOOK_URL, body, content_type="application/json", headers=headers)


def minutes_ago(minutes):
    moment = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def test_retries_5_and_10_minutes_later_are_one_event_with_its_attempts(client):
    # The platform sent it 15 minutes ago; the retries carry the same body.
    event = {**partner_event("partner_added", RESTAURANT), "timestamp": minutes_ago(15)}
    body = json.dumps(event).encode()

    answers = [deliver(client, body, event["timestamp"], attempt=n) for n in (1, 2, 3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["message"] for a in answers] == ["accepted", "duplicate", "duplicate"]
    stored = WebhookEvent.objects.get()
    assert (stored.deliveries, stored.attempt_number) == (3, 3)


def test_an_event_first_seen_on_its_third_attempt_is_accepted_and_applied(client):
    event = {**partner_event("partner_added", RESTAURANT), "timestamp": minutes_ago(15)}

    answer = deliver(client, json.dumps(event).encode(), event["timestamp"], attempt=3)

    assert answer.status_code == 200
    stored = WebhookEvent.objects.get()
    assert (stored.deliveries, stored.attempt_number) == (1, 3)
    process_webhook_event(stored.pk)
    assert Connection.objects.get(pk=RESTAURANT).status == Connection.Status.CONNECTED


@pytest.mark.parametrize("header", ["two", "0", "-1", "99999999999", ""])
def test_an_attempt_number_that_is_not_a_count_is_no_reason_to_refuse(client, header):
    event = partner_event("partner_added", RESTAURANT)

    answer = deliver(client, json.dumps(event).encode(), event["timestamp"], attempt=header)

    assert answer.status_code == 200
    assert WebhookEvent.objects.get().attempt_number is None


# The guide's own example, as its field table and body show it.
LOOSE_DETAILS = {
    "restaurantGuid": str(RESTAURANT),
    "managementGroupGuid": None,
    "restaurantName": "Main Street Cafe",
    "locationName": None,
    "externalGroupRef": None,
    "externalRestaurantRef": None,
    "createdByEmailAddress": None,
    "createdByFirstName": None,
    "restaurantPhoneNumber": None,
    "restaurantLatitude": "42.3601",
    "restaurantLongtitude": "-71.0589",
    "restaurantLongitude": "-71.0589",
    "restaurantTimezone": None,
    "createdDate": 1643858534451,
    "modifiedDate": None,
    "scopes": ["restaurants:read", "partners:read"],
}


@pytest.mark.parametrize("category", ["partner", "partners"])
def test_loosely_typed_details_are_kept_and_still_connect(client, category):
    event = {
        **partner_event("partner_added", RESTAURANT),
        "eventCategory": category,
        "details": LOOSE_DETAILS,
    }

    answer = deliver(client, json.dumps(event).encode(), event["timestamp"], category=category)

    assert answer.status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.payload["details"] == LOOSE_DETAILS
    process_webhook_event(stored.pk)
    stored.refresh_from_db()
    assert (stored.status, stored.error) == (WebhookEvent.Status.PROCESSED, "")
    connection = Connection.objects.get(pk=RESTAURANT)
    assert connection.status == Connection.Status.CONNECTED
    assert connection.restaurant_name == "Main Street Cafe"
    assert connection.details["scopes"] == ["restaurants:read", "partners:read"]
    assert connection.details["restaurantLongtitude"] == "-71.0589"


def test_an_event_type_the_portal_does_not_know_is_kept_and_shown_as_not_applied(client):
    event = partner_event("partner_scopes_changed", RESTAURANT)

    answer = deliver(client, json.dumps(event).encode(), event["timestamp"])

    assert answer.status_code == 200
    stored = WebhookEvent.objects.get()
    process_webhook_event(stored.pk)
    stored.refresh_from_db()
    assert stored.status == WebhookEvent.Status.FAILED
    assert "unknown event type 'partner_scopes_changed'" in stored.error
    assert not Connection.objects.exists()


def test_staff_see_the_attempts_where_events_are_shown(admin_client):
    event = {**partner_event("partner_added", RESTAURANT), "timestamp": minutes_ago(5)}
    body = json.dumps(event).encode()
    for attempt in (1, 2):
        deliver(admin_client, body, event["timestamp"], attempt=attempt)
    process_webhook_event(WebhookEvent.objects.get().pk)

    pages = [
        admin_client.get(reverse("dashboard")),
        admin_client.get(reverse("restaurant-detail", args=[RESTAURANT])),
    ]

    for page in pages:
        assert page.status_code == 200
        assert "2 (attempt 2)" in page.content.decode()
