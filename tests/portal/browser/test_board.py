"""A real browser on the onboarding board: cards drawn, a drag the server accepts, one it
refuses, a move made with the keyboard, and "more" cards fetched.

The browser is tests/portal/browser/conftest.py's. Screenshots go to test-artifacts/.
"""

import uuid
from pathlib import Path

import pytest
from django.conf import settings

from portal.onboarding.board import CARDS_PER_COLUMN
from restaurants.models import Restaurant, Stage, TimelineEntry
from tests.portal.onboarding.rows import in_review, ready

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _card(page, restaurant):
    return page.locator(f"#card-{restaurant.pk}")


def _in_column(page, restaurant, stage):
    return page.locator(f'.board-column[data-stage="{stage}"] #card-{restaurant.pk}')


def test_the_board_in_a_real_browser(signed_in_page, live_server):
    ready_one = ready("Ready Diner")
    review = in_review("Review <b>Bistro</b>")
    keyed = ready("Keyboard Cafe")
    Restaurant.objects.bulk_create(  # a column with more than its first 25 cards
        Restaurant(guid=uuid.uuid4(), name=f"Prospect {n}") for n in range(30)
    )
    page = signed_in_page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/onboarding/")
    page.wait_for_selector(".board-card")
    assert page.locator(".board-column").count() == 7
    assert _in_column(page, ready_one, Stage.DATA_RECEIVED).is_visible()
    assert "Review <b>Bistro</b>" in _card(page, review).inner_text()  # escaped, not bold
    page.screenshot(path=ARTIFACTS / "board.png", full_page=True)

    live_count = page.locator('.board-column[data-stage="live"] .count')
    before = int(live_count.get_attribute("data-count"))
    page.drag_and_drop(f"#card-{ready_one.pk}", '.board-column[data-stage="live"]')
    _in_column(page, ready_one, Stage.LIVE).wait_for()
    assert int(live_count.get_attribute("data-count")) == before + 1
    assert "Data received → Live" in page.inner_text("#board-status")
    assert Restaurant.objects.get(pk=ready_one.pk).stage == Stage.LIVE

    page.drag_and_drop(f"#card-{review.pk}", '.board-column[data-stage="live"]')
    error = _card(page, review).locator(".move-error")
    error.wait_for(state="visible")
    assert "The checklist is incomplete: going live needs an override." in error.inner_text()
    assert _in_column(page, review, Stage.IN_REVIEW).count() == 1
    assert Restaurant.objects.get(pk=review.pk).stage == Stage.IN_REVIEW
    page.screenshot(path=ARTIFACTS / "board-refused.png", full_page=True)

    card = _card(page, keyed)
    card.locator("summary").focus()
    page.keyboard.press("Enter")
    card.locator('select[name="to"]').select_option("blocked")
    card.locator('input[name="reason"]').fill("Waiting for the menu")
    card.locator('input[name="reason"]').press("Enter")
    _in_column(page, keyed, Stage.BLOCKED).wait_for()
    assert Restaurant.objects.get(pk=keyed.pk).stage_reason == "Waiting for the menu"
    actors = TimelineEntry.objects.filter(kind="stage", actor__username="olivia")
    assert actors.count() == 2

    prospects = page.locator('.board-column[data-stage="prospect"] .board-card')
    assert prospects.count() == CARDS_PER_COLUMN
    page.click('.board-column[data-stage="prospect"] a[data-more]')
    page.wait_for_selector(
        f'.board-column[data-stage="prospect"] .board-card >> nth={CARDS_PER_COLUMN}'
    )
    assert prospects.count() == Restaurant.objects.filter(stage=Stage.PROSPECT).count()
    page.screenshot(path=ARTIFACTS / "board-after-moves.png", full_page=True)

    assert page.errors == []
    assert page.left_loopback == []
