"""A real browser on the staff pages: sign in, open a restaurant, see the map drawn.

The browser is tests/browser/conftest.py's. Screenshots go to test-artifacts/.
"""

from pathlib import Path

import pytest
from django.conf import settings

from integrations.models import SyncRun
from integrations.sync import runs

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_window(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_restaurant_page_in_a_real_browser(signed_in_page, live_server, restaurant):
    payload = restaurant
    page = signed_in_page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "dashboard.png", full_page=True)

    page.goto(f"{live_server.url}/restaurants/")
    page.click(f"a[href='/restaurants/{payload['guid']}/']")
    page.wait_for_selector("#payment-matrix")
    assert page.locator(".week .day[role=row]:not(.axis)").count() == 7
    assert page.locator(".slot.overnight").count() >= 1
    assert page.is_visible("#payment-matrix") and page.is_visible(".week")
    assert page.locator("#payment-matrix tbody tr").count() == 5

    frame = page.frame_locator("#delivery-map")
    polygon = frame.locator("path.leaflet-interactive").first
    polygon.wait_for(state="attached", timeout=15000)
    assert polygon.get_attribute("d").startswith("M")
    assert frame.locator("path.leaflet-interactive").count() >= 2  # area and restaurant
    page.screenshot(path=ARTIFACTS / "restaurant.png", full_page=True)
    assert _fits_the_window(page)

    for name, width, height in [("laptop", 1280, 720), ("narrow", 820, 1000)]:
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        page.wait_for_selector("#payment-matrix")
        assert _fits_the_window(page), name
        page.screenshot(path=ARTIFACTS / f"restaurant-{name}.png", full_page=True)

    page.goto(f"{live_server.url}/restaurants/")
    page.wait_for_selector("#restaurants")
    assert _fits_the_window(page)
    page.screenshot(path=ARTIFACTS / "list-narrow.png", full_page=True)

    assert page.errors == []
    assert page.left_loopback == []


def test_dashboard_progress_bars_follow_a_running_sync(signed_in_page, live_server):
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF, total=4)
    page = signed_in_page
    page.reload()
    bar = page.locator(f'tr[data-run="{run.pk}"] progress')
    assert bar.get_attribute("value") == "0"
    runs.add(run.pk, {"changed": 1, "unchanged": 1})
    # Selectors, not wait_for_function: the page's policy forbids the eval it uses.
    page.wait_for_selector(f'tr[data-run="{run.pk}"] progress[value="50"]', timeout=10_000)
    runs.add(run.pk, {"failed": 2})
    row = page.locator(f'tr[data-run="{run.pk}"]')
    page.wait_for_selector(f'tr[data-run="{run.pk}"][data-status="finished"]', timeout=10_000)
    assert row.locator('[data-field="failed"]').inner_text() == "2"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "dashboard-progress.png", full_page=True)
    assert page.errors == [] and page.left_loopback == []
