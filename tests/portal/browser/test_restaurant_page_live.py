"""The restaurant page in a real browser: a refresh the page follows by itself, and
schedule blocks that show their whole service on hover and on keyboard focus.

The browser is tests/portal/browser/conftest.py's. Screenshots go to test-artifacts/.
"""

import datetime
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from integrations.models import SyncRun
from integrations.sync import runs
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Connection, Restaurant

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUT = "(element) => element.scrollWidth > element.clientWidth + 1"


def test_the_page_updates_itself_when_its_refresh_ends(signed_in_page, live_server, restaurant):
    page = signed_in_page
    page.goto(f"{live_server.url}/restaurants/{restaurant['guid']}/")
    page.click("text=Refresh from the platform")
    page.wait_for_selector('#refresh-status[data-ended="false"]')
    run = SyncRun.objects.get()
    assert page.get_attribute(".message a", "href") == "/"  # "the dashboard", a link
    assert "queued, 0 of 1 fetched" in page.inner_text("#refresh-status")

    # What the worker would do: new data, then the run's end.
    Restaurant.objects.filter(pk=restaurant["guid"]).update(name="Renamed Bistro")
    runs.add(run.pk, {"changed": 1})

    page.wait_for_selector('#refresh-status[data-ended="true"]', timeout=15_000)
    assert "Renamed Bistro" in page.inner_text("h1")
    assert "finished" in page.inner_text("#refresh-status")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "restaurant-refreshed.png")
    assert page.errors == [] and page.left_loopback == []


def _with_a_short_late_night(payload):
    """Friday and Saturday's late night made 22:00-01:30: a block too narrow for its text."""
    hours = payload["schedules"]["daySchedules"]["weekend"]["services"][1]["hours"]
    hours.update(startTime="22:00:00.000", endTime="01:30:00.000")
    assert apply_restaurant_info(payload).ok


def test_a_cut_block_shows_its_whole_service_on_hover_and_focus(
    signed_in_page, live_server, restaurant
):
    _with_a_short_late_night(restaurant)
    page = signed_in_page
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(f"{live_server.url}/restaurants/{restaurant['guid']}/")
    block = page.locator(".slot", has_text="Late night").first
    assert block.evaluate(CUT), "the block should be too narrow for its text at 1024 px"

    block.hover()
    page.wait_for_timeout(100)
    assert not block.evaluate(CUT)
    assert "Late night" in block.inner_text() and "22:00–01:30 +1" in block.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#schedule").screenshot(path=ARTIFACTS / "schedule-hover.png")

    page.mouse.move(0, 0)
    assert block.evaluate(CUT)
    for _ in range(80):  # the keyboard's way there: Tab, as a user would
        page.keyboard.press("Tab")
        if block.evaluate("(element) => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the late night block")
    assert not block.evaluate(CUT)
    assert block.evaluate("(element) => getComputedStyle(element).outlineStyle") != "none"
    page.locator("#schedule").screenshot(path=ARTIFACTS / "schedule-focus.png")
    assert page.errors == [] and page.left_loopback == []


def test_the_whole_status_link_shows_and_copies(signed_in_page, live_server, restaurant):
    page = signed_in_page
    page.goto(f"{live_server.url}/restaurants/{restaurant['guid']}/")
    page.click("text=Create a status link")
    field = page.locator("#status-links textarea")
    url = field.input_value()
    assert url.startswith(f"{live_server.url}/status/") and len(url) > 100
    assert field.evaluate("(element) => element.scrollHeight <= element.clientHeight + 1")
    assert field.evaluate("(element) => element.scrollWidth <= element.clientWidth + 1")
    assert "last opened" not in page.inner_text("#status-links")  # not yet

    page.click("#status-links [data-copy]")
    page.wait_for_selector("#status-links [data-copy]:has-text('Copied')")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#status-links").screenshot(path=ARTIFACTS / "status-link-panel.png")
    assert page.errors == [] and page.left_loopback == []


def test_prospect_and_removed_pages_say_what_is_not_known(signed_in_page, live_server, restaurant):
    prospect = Restaurant.objects.create(guid=uuid.uuid4())
    Connection.objects.filter(pk=restaurant["guid"]).update(
        status=Connection.Status.REMOVED,
        removed_at=datetime.datetime(2026, 11, 3, 14, 2, tzinfo=datetime.UTC),
    )
    page = signed_in_page
    ARTIFACTS.mkdir(exist_ok=True)
    for name, guid, width in [
        ("prospect", prospect.guid, 1440),
        ("removed", restaurant["guid"], 1024),
        ("removed-phone", restaurant["guid"], 390),
    ]:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/restaurants/{guid}/")
        assert page.is_visible("#access-banner"), name
        assert page.locator("text=Create a status link").count() == 0, name
        assert page.locator("text=/(Open|Closed) now/").count() == 0, name
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        page.screenshot(path=ARTIFACTS / f"restaurant-{name}.png", full_page=True)
    assert "Removed on 2026-11-03 14:02 UTC" in page.inner_text("#access-banner")
    assert page.errors == [] and page.left_loopback == []
