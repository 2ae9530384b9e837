"""Restaurants stored through the mapping, for tests that need rows."""

import uuid

from integrations.models import WebhookEvent
from restaurants import onboarding
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Connection, Restaurant
from tests.payloads import load_payload, with_change


def stored(payload, *, connected=True):
    """The restaurant a payload makes, with a connection unless told otherwise."""
    outcome = apply_restaurant_info(payload)
    assert outcome.ok, outcome.error
    restaurant = Restaurant.objects.get(pk=outcome.guid)
    if connected is not None:
        status = Connection.Status.CONNECTED if connected else Connection.Status.REMOVED
        connect(restaurant, status=status)
    return restaurant


def connect(restaurant, **fields):
    """A connection of `restaurant` (a Restaurant or its GUID) made as a partner event
    makes one, the stored checklist kept; connected unless `fields` say otherwise."""
    if isinstance(restaurant, Restaurant):
        made = Connection.objects.create(restaurant=restaurant, **fields)
        onboarding.refresh([restaurant.pk])
        restaurant.refresh_from_db(fields=["onboarding_done", "onboarding_items"])
    else:
        made = Connection.objects.create(restaurant_id=restaurant, **fields)
        onboarding.refresh([restaurant])
    return made


def set_status(guid, status):
    """The connection's status changed as a partner event changes it."""
    Connection.objects.filter(pk=guid).update(status=status)
    onboarding.refresh([guid])


def variant(name, **changes):
    """A fixture payload under a new GUID, with dotted-path changes."""
    payload = with_change(load_payload(name), "guid", str(uuid.uuid4()))
    for path, value in changes.items():
        payload = with_change(payload, path.replace("__", "."), value)
    return payload


def make_restaurant(**general):
    """Another connected restaurant from the full fixture, with a new GUID and name."""
    payload = load_payload("restaurant_full")
    payload["guid"] = str(uuid.uuid4())
    payload["general"].update(general)
    apply_restaurant_info(payload)
    connect(payload["guid"])
    return payload


def webhook_event(restaurant_guid, event_type="partner_updated"):
    """A stored partner webhook event about a restaurant."""
    return WebhookEvent.objects.create(
        guid=uuid.uuid4(),
        event_type=event_type,
        event_category="partner",
        timestamp="2026-01-01T00:00:00Z",
        restaurant_guid=restaurant_guid,
        payload={},
    )
