"""Headless Debian Chromium (/usr/bin/chromium, installed by tests/bin/ensure-chromium)
driven by Playwright against pytest-django's live server.

Every request that would leave 127.0.0.1 is blocked and counted
(`page.left_loopback`); console errors, page errors and Content-Security-Policy
violations of the page and its frames land in `page.errors`.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.db import connections

from portal.staff_group import ensure_onboarding_group
from restaurants.ingest import apply_restaurant_info
from tests.payloads import load_payload
from tests.stored import connect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "a-long-test-password"
# Runs in every document and frame before the page's own code (Playwright
# injects it outside the page's policy): a violation becomes a console error.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`
    + ` in ${event.documentURI}`);
});
"""


@pytest.fixture
def live_server(live_server, monkeypatch):
    """pytest-django's live server, leaving no database connection behind.

    The server answers each request in a thread of its own; with persistent
    connections (CONN_MAX_AGE) a thread still parked on a browser's keep-alive
    socket holds its connection past the session, and PostgreSQL then refuses
    to drop the test database. Closing at the end of every request avoids it.
    """
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    return live_server


@pytest.fixture
def browser_page(live_server, monkeypatch):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (make browser, or Debian's 'chromium' package)")
    # Playwright's sync API runs an event loop in this thread, beside the live server.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.errors, page.left_loopback = [], []
        page.add_init_script(REPORT_CSP_VIOLATIONS)
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


@pytest.fixture
def signed_in_page(browser_page, live_server):
    """The browser after a member of "Onboarding staff" signed in, on the dashboard."""
    user = User.objects.create_user("olivia", password=PASSWORD, is_staff=True)
    user.groups.add(ensure_onboarding_group())
    page = browser_page
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "olivia")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.fixture
def restaurant(db):
    """The full fixture's payload, stored and connected."""
    payload = load_payload("restaurant_full")
    apply_restaurant_info(payload)
    connect(payload["guid"])
    return payload
