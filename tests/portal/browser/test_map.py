"""A real browser on the all-restaurants map: clusters and markers drawn from the
portal's own files, a popup linking to the restaurant's page."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings

from restaurants.models import Restaurant, Stage

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_clusters_restaurants_and_links_each_to_its_page(signed_in_page, live_server):
    stages = [Stage.IN_REVIEW, Stage.LIVE, Stage.BLOCKED]
    Restaurant.objects.bulk_create(
        Restaurant(
            guid=uuid.uuid4(),
            name=f"Place {n} <b>bold</b>",
            stage=stages[n % 3],
            latitude=41.8 + (n % 20) / 50,
            longitude=-87.6 - (n // 20) / 50,
        )
        for n in range(300)
    )
    lonely = Restaurant.objects.create(
        guid=uuid.uuid4(),
        name="Far <i>away</i>",
        stage=Stage.LIVE,
        latitude=25.77,
        longitude=-80.19,
    )
    page = signed_in_page
    page.goto(f"{live_server.url}/map/")
    frame = page.frame_locator("#restaurants-map")
    frame.locator("body[data-markers='301']").wait_for(state="attached", timeout=20000)
    assert frame.locator(".marker-cluster").count() >= 1  # 300 close together: clustered
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "map.png", full_page=True)
    # Among the live ones the lonely one, far from the others, is a marker of its own.
    page.goto(f"{live_server.url}/map/?stage=live")
    frame.locator("body[data-markers='101']").wait_for(state="attached", timeout=20000)
    assert "101 restaurants on the map" in page.inner_text(".map-legend")
    # Zoomed in on it, the lonely one is a marker of its own: a click opens its popup.
    inner = page.frames[-1]
    inner.evaluate(
        """() => {
          const map = Object.values(window).find((v) => v instanceof L.Map);
          map.setView([25.77, -80.19], 12, {animate: false});
        }"""
    )
    find = """() => {
          const cluster = Object.values(window).find((v) => v instanceof L.MarkerClusterGroup);
          const lonely = cluster.getLayers().find((m) => m.getLatLng().lat < 30);
          return lonely && lonely.getElement() ? lonely : null;
        }"""
    inner.wait_for_function(find, timeout=15000)
    inner.evaluate(
        f"() => ({find})().getElement().dispatchEvent(new MouseEvent('click', {{bubbles: true}}))"
    )
    link = frame.locator(".leaflet-popup a[target=_top]")
    link.wait_for(timeout=10000)
    assert link.inner_text() == "Far <i>away</i>"  # the platform's markup, shown as text
    assert "Stage: Live" in frame.locator(".leaflet-popup").inner_text()
    inner.evaluate(f"() => ({find})().openTooltip()")
    tooltip = frame.locator(".leaflet-tooltip")
    assert tooltip.inner_text() == "Far <i>away</i>" and tooltip.locator("i").count() == 0
    link.click()
    page.wait_for_url(f"{live_server.url}/restaurants/{lonely.pk}/")
    assert page.errors == [] and page.left_loopback == []
