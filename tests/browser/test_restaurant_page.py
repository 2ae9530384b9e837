"""A real browser on the staff pages: sign in, open a restaurant, see the map drawn.

Headless Debian Chromium (/usr/bin/chromium, installed by tests/bin/ensure-chromium)
driven by Playwright; every request that would leave 127.0.0.1 is blocked and
counted. Screenshots go to test-artifacts/.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connections

from integrations.models import SyncRun
from integrations.sync import runs
from portal.staff_group import ensure_onboarding_group
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Connection
from tests.payloads import load_payload

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason="Chromium is not installed (make browser, or Debian's 'chromium' package)",
    ),
]


@pytest.fixture
def browser_page(live_server, monkeypatch):
    # Playwright's sync API runs an event loop in this thread, beside the live server.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.errors, page.left_loopback = [], []
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))

        def guard(route):
            if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                page.left_loopback.append(route.request.url)
                route.abort()

        page.context.route("**/*", guard)
        yield page
        browser.close()
        # While Playwright's loop runs, Django keeps this thread's connections
        # apart from the ones it sees after; left open, PostgreSQL would refuse
        # to drop the test database ("accessed by other users").
        connections.close_all()


def _sign_in(page, live_server):
    user = User.objects.create_user("olivia", password="a-long-test-password", is_staff=True)
    user.groups.add(ensure_onboarding_group())
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "olivia")
    page.fill("input[name=password]", "a-long-test-password")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _restaurant():
    payload = load_payload("restaurant_full")
    apply_restaurant_info(payload)
    Connection.objects.create(restaurant_id=payload["guid"])
    return payload


def _fits_the_window(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_restaurant_page_in_a_real_browser(browser_page, live_server):
    payload = _restaurant()
    page = browser_page
    _sign_in(page, live_server)
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


def test_dashboard_progress_bars_follow_a_running_sync(browser_page, live_server):
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF, total=4)
    page = browser_page
    _sign_in(page, live_server)
    bar = page.locator(f'tr[data-run="{run.pk}"] progress')
    assert bar.get_attribute("value") == "0"
    runs.add(run.pk, {"changed": 1, "unchanged": 1})
    page.wait_for_function(
        f"document.querySelector('tr[data-run=\"{run.pk}\"] progress').value == 50",
        timeout=10_000,
    )
    runs.add(run.pk, {"failed": 2})
    row = page.locator(f'tr[data-run="{run.pk}"]')
    page.wait_for_function(
        f'document.querySelector(\'tr[data-run="{run.pk}"]\').dataset.status == "finished"',
        timeout=10_000,
    )
    assert row.locator('[data-field="failed"]').inner_text() == "2"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "dashboard-progress.png", full_page=True)
    assert page.errors == [] and page.left_loopback == []
