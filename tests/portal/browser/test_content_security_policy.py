"""No page breaks its own Content-Security-Policy in a real browser: staff pages, the
delivery map in its frame, the status-link panel's buttons, the status page, the
documentation and the admin."""

import pytest

from portal.docs import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visit(page, url):
    page.goto(url)
    page.wait_for_load_state("load")


def test_every_page_keeps_to_the_policy(signed_in_page, live_server, restaurant):
    page, base, guid = signed_in_page, live_server.url, restaurant["guid"]
    for path in ["/", "/restaurants/", f"/restaurants/{guid}/map/", "/admin/"]:
        _visit(page, base + path)
    _visit(page, f"{base}/admin/restaurants/restaurant/{guid}/change/")

    _visit(page, f"{base}/restaurants/{guid}/")
    map_frame = page.frame_locator("#delivery-map")
    map_frame.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=15000)
    page.click("text=Create a status link")
    page.wait_for_selector("#status-links [data-copy]")
    page.click("#status-links [data-copy]")
    page.wait_for_selector("#status-links [data-copy]:text('Copied')")
    page.focus("#status-links textarea[readonly]")
    assert page.evaluate("document.activeElement.selectionEnd > 0")  # selected on focus
    status_url = page.input_value("#status-links textarea[readonly]")

    for item in pages.all_pages():
        _visit(page, f"{base}/docs/{item.slug}/")
    _visit(page, f"{base}/docs/")
    page.context.clear_cookies()
    _visit(page, status_url)
    assert "checklist" in page.content().lower()

    assert page.errors == []
    assert page.left_loopback == []


def test_a_violation_would_be_seen(browser_page, live_server):
    page = browser_page
    _visit(page, f"{live_server.url}/docs/")
    with page.expect_console_message(lambda message: "CSP violation" in message.text):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.ran = true'; document.body.append(s); }"
        )
    assert not page.evaluate("window.ran === true")
    assert any("CSP violation: script-src" in error for error in page.errors), page.errors
