"""Partners and restaurant availability webhook events as the platform sends them, for the tests."""

import datetime
import json
import uuid

from django.conf import settings
from django.utils import timezone

from integrations.models import WebhookEvent
from integrations.signing import sign
from integrations.tasks import process_webhook_event

WEBHOOK_URL = "/webhooks/toast/partners"


def partner_event(event_type, restaurant_guid, *, at=None, **details):
    """An event of the instant `at` (default now), with details dated then unless given."""
    now = at or timezone.now()
    millis = int(now.timestamp() * 1000)
    return {
        "timestamp": now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "eventCategory": "partner",
        "eventType": event_type,
        "guid": str(uuid.uuid4()),
        "details": {
            "restaurantGuid": str(restaurant_guid),
            "managementGroupGuid": str(uuid.UUID(int=7)),
            "restaurantName": "Main Street Cafe",
            "locationName": "Downtown",
            "externalGroupRef": "group-1",
            "externalRestaurantRef": "store-1",
            "createdDate": millis,
            "modifiedDate": millis,
            **details,
        },
    }


def availability_event(restaurant_guid, status="OFFLINE", *, at=None, **details):
    """A `restaurant_availability` event of the instant `at` (default now), shaped as the
    guide's own `availability_offline` example."""
    now = at or timezone.now()
    online = status == "ONLINE"
    return {
        "timestamp": now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "eventCategory": "restaurant_availability",
        "eventType": "availability_online" if online else "availability_offline",
        "guid": str(uuid.uuid4()),
        "details": {
            "restaurantGuid": str(restaurant_guid),
            "status": status,
            "reasonKey": "AVAILABILITY_ONLINE" if online else "AVAILABILITY_OFFLINE",
            "reason": "Restaurant can accept online orders"
            if online
            else "Restaurant cannot accept online orders",
            **details,
        },
    }


def post_event(client, event, *, secret=None, body=None, signature=None, secure=False):
    """POSTs `event` signed like the platform does (body + timestamp); over HTTPS if `secure`."""
    body = body if body is not None else json.dumps(event).encode()
    secret = settings.TOAST_WEBHOOK_SECRET if secret is None else secret
    if signature is None:
        signature = sign(secret, body, event["timestamp"])
    headers = {
        "Toast-Signature": signature,
        "Toast-Event-Type": event["eventType"],
        "Toast-Event-Category": event["eventCategory"],
    }
    return client.post(
        WEBHOOK_URL, body, content_type="application/json", headers=headers, secure=secure
    )


def deliver(client, event):
    """The platform posts `event`; a worker then runs the queued task."""
    assert post_event(client, event).status_code == 200
    stored = WebhookEvent.objects.get(guid=event["guid"])
    process_webhook_event(stored.pk)
    stored.refresh_from_db()
    return stored
