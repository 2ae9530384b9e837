"""The restaurant list in a real browser at 1024 px: it fits, GUIDs and codes stay
on one line, the search says all it searches, a 0/7 bar looks empty, the form
leaves clean URLs and exports what it shows. Screenshots go to test-artifacts/."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings

from restaurants.models import Restaurant
from tests.stored import make_restaurant

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_LINE = "el => el.getClientRects().length === 1"
PLACEHOLDER_FITS = """input => {
  const style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return context.measureText(input.placeholder).width <= room;
}"""


@pytest.fixture
def crowded(restaurant):
    """Long names, codes and zones, a prospect with its GUID only."""
    make_restaurant(
        name="The Extraordinarily Long-Named Neighbourhood Smokehouse & Taquería",
        locationName="Buenos Aires Palermo Soho",
        locationCode="BA-PALERMO-SOHO-0001",
        timeZone="America/Argentina/Buenos_Aires",
    )
    return Restaurant.objects.create(guid=uuid.uuid4(), name=None)


def test_the_list_at_1024_pixels(signed_in_page, live_server, crowded):
    page = signed_in_page
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{live_server.url}/restaurants/")
    page.wait_for_selector("#restaurants")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "list-1024.png", full_page=True)

    assert page.evaluate(
        "document.querySelector('#restaurants').scrollWidth"
        " <= document.querySelector('.table-wrap').clientWidth"
    ), "the table overflows at 1024 px"
    assert page.eval_on_selector(f"[title='{crowded.guid}']", ONE_LINE)
    assert page.eval_on_selector("text=BA-PALERMO-SOHO-0001", ONE_LINE)
    assert page.eval_on_selector("input[name=q]", PLACEHOLDER_FITS)

    empty = page.locator("tr", has=page.locator(f"[title='{crowded.guid}']")).locator("progress")
    assert empty.get_attribute("value") == "0"
    # Drawn by the stylesheet: a light track, nothing filled (Chromium's own bar looked full).
    assert empty.evaluate("el => getComputedStyle(el).appearance") == "none"
    assert empty.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(241, 243, 246)"
    assert page.errors == []
    assert page.left_loopback == []


def test_the_form_leaves_clean_urls_and_exports_what_it_shows(signed_in_page, live_server, crowded):
    page = signed_in_page
    page.goto(f"{live_server.url}/restaurants/")
    page.select_option("select[name=status]", "prospect")
    page.click("button:text('Apply')")
    page.wait_for_url(f"{live_server.url}/restaurants/?status=prospect")

    # Changed in the form, not applied: the export follows the form.
    page.select_option("select[name=status]", "connected")
    with page.expect_download() as download:
        page.click("button:text('Export CSV')")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Smokehouse" in text and "Café" in text
    assert str(crowded.guid) not in text  # the prospect the page shows is not exported
    assert page.errors == []
