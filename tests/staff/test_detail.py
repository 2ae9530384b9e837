"""The restaurant page: schedule, payments, map, history, failures, events; fixed query count."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.models import ApiFailure, WebhookEvent
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Restaurant
from tests.payloads import load_payload, with_change

pytestmark = pytest.mark.django_db


def _page(client, guid):
    response = client.get(f"/restaurants/{guid}/")
    assert response.status_code == 200
    return response.content.decode()


def test_everything_staff_need_is_on_the_page(staff_client, full):
    page = _page(staff_client, full["guid"])
    for text in [
        "Harvard Square",
        "America/New_York",
        "local time",
        "USD",
        "Weekly schedule",
        "Late night 18:00–02:00 (+1 day)",
        "Closed",
        'id="payment-matrix"',
        "Card, same day",
        "Pas de substitutions",
        "Prep time",
        "https://cafe-unicode.example/",
        'id="delivery-map"',
        "km²",
        "outside</strong> its area",
        "first stored version",
        "store-42",
    ]:
        assert text in page, text
    assert page.count('class="day closed"') == 1  # Monday


def test_no_delivery_or_an_unusable_area_shows_a_message(staff_client, full):
    Restaurant.objects.filter(pk=full["guid"]).update(delivery_enabled=False)
    assert "This restaurant does not deliver." in _page(staff_client, full["guid"])
    assert staff_client.get(f"/restaurants/{full['guid']}/map/").status_code == 404
    Restaurant.objects.filter(pk=full["guid"]).update(delivery_enabled=True, delivery_area="??")
    assert "could not be read" in _page(staff_client, full["guid"])


def test_the_map_loads_only_the_portals_own_files(staff_client, full):
    html = staff_client.get(f"/restaurants/{full['guid']}/map/").content.decode()
    assert "/static/leaflet/leaflet.js" in html and "L.polygon" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_history_shows_what_changed_field_by_field(staff_client, full):
    changed = with_change(full, "prepTimes.takeoutPrepTime", 25)
    apply_restaurant_info(changed)
    page = _page(staff_client, full["guid"])
    assert "1 field changed" in page and "prepTimes.takeoutPrepTime" in page


def test_failures_and_events_of_the_restaurant(staff_client, full):
    ApiFailure.objects.create(
        method="GET",
        endpoint="/restaurants/v1/restaurants/{guid}",
        path="/x",
        restaurant_guid=full["guid"],
        status_code=503,
        kind="http",
        request_id="req-123",
        message="answered 503",
    )
    WebhookEvent.objects.create(
        guid=uuid.uuid4(),
        event_type="partner_updated",
        event_category="partner",
        timestamp="2026-01-01T00:00:00Z",
        restaurant_guid=full["guid"],
        payload={},
    )
    page = _page(staff_client, full["guid"])
    assert "req-123" in page and "partner_updated" in page


def test_query_count_does_not_grow_with_services_or_snapshots(staff_client, full):
    def count():
        with CaptureQueriesContext(connection) as captured:
            _page(staff_client, full["guid"])
        return len(captured)

    before = count()
    payload = load_payload("restaurant_full")
    services = payload["schedules"]["daySchedules"]["weekday"]["services"]
    payload["schedules"]["daySchedules"]["weekday"]["services"] = services * 20
    for n in range(30):
        apply_restaurant_info(with_change(payload, "general.description", f"v{n}"))
    assert count() == before
