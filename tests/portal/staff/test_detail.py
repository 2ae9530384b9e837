"""The restaurant page: schedule, payments, map, history, failures, events; fixed query count."""

import datetime
import uuid
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.models import ApiFailure, WebhookEvent
from restaurants import schedule
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Connection, Restaurant
from tests.payloads import load_payload, with_change

pytestmark = pytest.mark.django_db


def _page(client, guid, query=""):
    response = client.get(f"/restaurants/{guid}/{query}")
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
        '<span class="slot-name">Late night</span><span class="slot-hours">18:00–02:00 +1',
        "Closed",
        'id="payment-matrix"',
        "Card, same day",
        "Pas de substitutions",
        "Prep time",
        'href="https://cafe-unicode.example/"',
        'href="https://twitter.com/cafeunicode"',
        'id="delivery-map"',
        "km²",
        "minimum order 25.50 USD",
        "outside</strong> its area",
        "first stored version",
        "store-42",
        'id="status-links"',
        f'href="/admin/restaurants/restaurant/{full["guid"]}/change/"',
    ]:
        assert text in page, text
    assert page.count('class="day closed"') == 1  # Monday
    assert page.count('class="slot overnight"') == 2  # Friday and Saturday's late night


def test_times_are_the_restaurants_local_time(staff_client, full):
    """The server runs in UTC; the page speaks New York time (a UTC display is 5 hours off)."""
    zone = zoneinfo.ZoneInfo("America/New_York")
    before = datetime.datetime.now(zone)
    page = _page(staff_client, full["guid"])
    after = datetime.datetime.now(zone)
    shown = {f'<strong id="local-time">{moment:%H:%M}</strong>' for moment in (before, after)}
    assert any(text in page for text in shown)

    restaurant = Restaurant.objects.get(pk=full["guid"])
    days = schedule.week(restaurant, restaurant.day_schedules.prefetch_related("services"))
    state = schedule.open_state(days, "America/New_York", 4, before)
    moment = state.until if state.open else state.next_open
    assert f"{moment:%H:%M}" in page.split('class="open-line"')[1].split("</p>")[0]


def test_an_overnight_service_is_drawn_across_midnight(staff_client, full):
    page = _page(staff_client, full["guid"])
    # Track: 04:00 (closeout) + 30 h. Late night 18:00-02:00 = 14 h in, 8 h long.
    assert "left: 46.667%; width: 26.667%" in page
    assert page.count('class="midnight-line" style="left: 66.667%"') == 7


def test_removed_restaurants_keep_their_page_without_refresh(staff_client, full):
    Connection.objects.filter(pk=full["guid"]).update(status=Connection.Status.REMOVED)
    page = _page(staff_client, full["guid"])
    assert '<span class="badge bad">Removed</span>' in page
    assert "Refresh from the platform" not in page
    assert "Weekly schedule" in page and 'id="payment-matrix"' in page


def test_stale_and_failing_restaurants_are_flagged(staff_client, full):
    Restaurant.objects.filter(pk=full["guid"]).update(
        last_fetched_at=timezone.now() - datetime.timedelta(days=3),
        last_error="answered 503",
        last_error_at=timezone.now(),
    )
    page = _page(staff_client, full["guid"])
    assert ">Stale</span>" in page and "Last error" in page and "answered 503" in page


@pytest.mark.parametrize("fixture", ["sparse", "prospect"])
def test_restaurants_with_little_data_render(staff_client, fixture):
    if fixture == "sparse":
        payload = load_payload("restaurant_sparse")
        apply_restaurant_info(payload)
        guid = payload["guid"]
    else:
        guid = Restaurant.objects.create(guid=uuid.uuid4()).guid
    page = _page(staff_client, guid)
    # No day schedule at all: the hours are not known, which is not "closed" all week.
    assert 'class="day closed"' not in page and ">Closed<" not in page
    assert "Opening hours not known" in page
    if fixture == "sparse":
        assert "This restaurant does not deliver." in page
    else:  # no data: whether it delivers is not known, nor anything else
        assert "Not known yet: the platform has sent no data" in page
        assert "does not deliver" not in page and "Delivery: unknown" not in page
        assert "— min" not in page and "Online ordering: unknown" not in page
    assert "The platform sent no URL." in page


@pytest.mark.parametrize(
    "section", [None, "general", "urls", "location", "schedules", "delivery", "onlineOrdering"]
)
def test_a_captured_payload_renders_with_any_section_missing(staff_client, section):
    """What real restaurants send (restaurant_captured.json: long day-schedule keys, no
    `overnight`, an empty delivery area, empty URLs, no prepTimes), less one more section."""
    payload = load_payload("restaurant_captured")
    payload.pop(section, None)
    assert apply_restaurant_info(payload).ok
    Connection.objects.create(restaurant_id=payload["guid"])

    page = _page(staff_client, payload["guid"])
    map_page = staff_client.get(f"/restaurants/{payload['guid']}/map/")

    assert map_page.status_code == 404  # no area to draw, and a reason instead
    if section == "delivery":
        assert "The platform sent no delivery settings" in page
    else:
        assert "Delivery is on, but the platform sent no delivery area." in page
        assert "Delivery area missing" in page
    if section not in ("schedules", "general"):
        # Dinner 17:00-01:30 without `overnight`: drawn across midnight all the same.
        assert '<span class="slot-hours">17:00–01:30 +1<' in page
    assert staff_client.get("/restaurants/?format=csv").status_code == 200


def test_an_unknown_time_zone_is_shown_not_fatal(staff_client, full):
    Restaurant.objects.filter(pk=full["guid"]).update(time_zone="Mars/Olympus_Mons")
    page = _page(staff_client, full["guid"])
    assert "unknown time zone" in page and "Open now" not in page


def test_only_web_addresses_become_links(staff_client, full):
    Restaurant.objects.filter(pk=full["guid"]).update(
        website="javascript:alert(document.cookie)", facebook="ftp://example.com/x"
    )
    page = _page(staff_client, full["guid"])
    assert 'href="javascript:' not in page and 'href="ftp:' not in page
    assert "javascript:alert(document.cookie)" in page  # shown as text, not hidden


def test_no_delivery_or_an_unusable_area_shows_a_message(staff_client, full):
    Restaurant.objects.filter(pk=full["guid"]).update(delivery_enabled=False)
    assert "This restaurant does not deliver." in _page(staff_client, full["guid"])
    assert staff_client.get(f"/restaurants/{full['guid']}/map/").status_code == 404
    Restaurant.objects.filter(pk=full["guid"]).update(delivery_enabled=True, delivery_area="??")
    assert "could not be read" in _page(staff_client, full["guid"])
    Restaurant.objects.filter(pk=full["guid"]).update(delivery_area=None)
    assert "sent no delivery area" in _page(staff_client, full["guid"])


def test_the_map_loads_only_the_portals_own_files(staff_client, full):
    html = staff_client.get(f"/restaurants/{full['guid']}/map/").content.decode()
    assert "/static/leaflet/leaflet.js" in html and "L.polygon" in html and "fitBounds" in html
    assert "circle_marker" in html and "minimum order 25.50 USD" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "tileLayer" not in html  # tests set MAP_TILE_URL empty: the polygon alone


def test_the_map_uses_the_configured_tiles(staff_client, full, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"
    html = staff_client.get(f"/restaurants/{full['guid']}/map/").content.decode()
    assert "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png" in html and "tileLayer" in html


def test_names_cannot_break_out_of_the_map_script(staff_client, full):
    hostile = "</script><script>alert(1)</script>`${alert(2)}`\\"
    Restaurant.objects.filter(pk=full["guid"]).update(name=hostile, currency_code="`$")
    html = staff_client.get(f"/restaurants/{full['guid']}/map/").content.decode()
    assert "<script>alert(1)" not in html and "${alert(2)}" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html and "&#96;&#36;{alert(2)}" in html


def test_history_shows_what_changed_field_by_field(staff_client, full):
    changed = with_change(full, "prepTimes.takeoutPrepTime", 25)
    apply_restaurant_info(changed)
    page = _page(staff_client, full["guid"])
    assert "1 field changed" in page and "prepTimes.takeoutPrepTime" in page


def _versions(payload, count):
    for n in range(count):
        apply_restaurant_info(with_change(payload, "general.description", f"v{n}"))


def _history(client, guid, query=""):
    """The change history's section of the page."""
    page = _page(client, guid, query)
    section = page[page.index('id="history"') :]
    return section[: section.index("</section>")]


def test_history_is_paged(staff_client, full):
    _versions(full, 44)  # 45 snapshots: pages of 20, 20 and 5
    first = _history(staff_client, full["guid"])
    assert first.count("<details") == 20 and "?history=2#history" in first
    assert "first stored version" not in first
    last = _history(staff_client, full["guid"], "?history=3")
    assert last.count("<details") == 5 and "first stored version" in last
    assert "?history=2#history" in last and "?history=4" not in last
    assert _history(staff_client, full["guid"], "?history=junk").count("<details") == 20


@pytest.mark.parametrize("number", ["4", "999999", str(10**30)])
def test_a_history_page_past_the_last_shows_the_last(staff_client, full, number):
    _versions(full, 44)
    page = _history(staff_client, full["guid"], f"?history={number}")
    assert page.count("<details") == 5 and "first stored version" in page
    assert "?history=2#history" in page


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
    other = uuid.uuid4()
    WebhookEvent.objects.create(
        guid=uuid.uuid4(),
        event_type="someone_elses_event",
        event_category="partner",
        timestamp="2026-01-01T00:00:00Z",
        restaurant_guid=other,
        payload={},
    )
    page = _page(staff_client, full["guid"])
    assert "req-123" in page and "partner_updated" in page
    assert "someone_elses_event" not in page


def _count(client, guid, query=""):
    with CaptureQueriesContext(connection) as captured:
        _page(client, guid, query)
    return len(captured)


def test_query_count_does_not_grow_with_services_snapshots_or_rows(staff_client, full):
    before = _count(staff_client, full["guid"])
    payload = load_payload("restaurant_full")
    services = payload["schedules"]["daySchedules"]["weekday"]["services"]
    payload["schedules"]["daySchedules"]["weekday"]["services"] = services * 20
    _versions(payload, 60)
    for n in range(30):
        ApiFailure.objects.create(
            method="GET", endpoint="/x", path="/x", restaurant_guid=full["guid"], message=f"{n}"
        )
    assert _count(staff_client, full["guid"]) == before
    assert _count(staff_client, full["guid"], "?history=3") == before
