"""A real browser on the onboarding pages: a restaurant's timeline and the metrics.

Charts are SVG drawn by the server: the browser must lay them out (a real size),
with their tables beside them, no console error and no request leaving 127.0.0.1.
Screenshots go to test-artifacts/.
"""

import datetime
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from restaurants import milestones, stages
from restaurants.models import Restaurant, Stage, StageChange

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_restaurants_timeline_shows_the_work_done_on_its_page(
    signed_in_page, live_server, restaurant
):
    page = signed_in_page
    page.goto(f"{live_server.url}/restaurants/{restaurant['guid']}/")
    page.click("text=Owner and next step")
    page.select_option("#owner", label="olivia")
    page.click("text=Save owner")
    page.wait_for_selector("text=Owner of")
    page.fill("#note", "Called the manager <b>today</b>")
    page.click("text=Add note")
    page.wait_for_selector("text=Note added to the timeline.")
    timeline = page.locator("#timeline .timeline > li")
    assert timeline.count() >= 2
    assert "Called the manager <b>today</b>" in timeline.first.inner_text()  # as text
    assert "Owner: nobody → olivia" in page.locator("#timeline").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#timeline").screenshot(path=ARTIFACTS / "timeline.png")
    assert page.errors == [] and page.left_loopback == []


def test_the_metrics_page_draws_its_charts(signed_in_page, live_server, restaurant):
    now = timezone.now()
    for days in (3, 8, 20):
        made = Restaurant.objects.create(guid=uuid.uuid4(), name=f"Live after {days}")
        StageChange.objects.create(
            restaurant=made, to_stage=Stage.CONNECTED, at=now - datetime.timedelta(days=days + 2)
        )
        StageChange.objects.create(
            restaurant=made, to_stage=Stage.LIVE, at=now - datetime.timedelta(days=2)
        )
        Restaurant.objects.filter(pk=made.pk).update(stage=Stage.LIVE)
        milestones.refresh(Restaurant.objects.filter(pk=made.pk))
    stages.follow_platform([restaurant["guid"]])
    page = signed_in_page
    page.goto(f"{live_server.url}/onboarding/metrics/")
    charts = page.locator("svg.chart")
    assert charts.count() == 6
    for index in range(6):
        box = charts.nth(index).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 40
    assert page.locator("#chart-stages rect").count() == len(Stage.choices)
    assert page.locator("#chart-time-week rect").count() >= 24  # 12 weeks, two series
    assert page.locator(".metric table").count() >= 6
    assert "Live" in page.locator("#funnel table").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "metrics.png", full_page=True)
    assert page.errors == [] and page.left_loopback == []
