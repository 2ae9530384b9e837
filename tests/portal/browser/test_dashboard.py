"""The dashboard in a browser: runs that start after the page loaded show up and move
on by themselves, and the figures fit one line on a small laptop."""

import datetime

import pytest
from django.utils import timezone

from integrations.models import SyncRun
from integrations.sync import runs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_run_started_later_shows_up_and_its_start_moves_on(signed_in_page):
    page = signed_in_page
    page.wait_for_selector("#sync-runs >> text=No sync has run yet")
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF, total=4)
    SyncRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    row = f'#sync-runs tr[data-run="{run.pk}"]'
    # Selectors, not wait_for_function: the page's policy forbids the eval it uses.
    # (naturaltime puts a no-break space between the number and its unit.)
    page.wait_for_selector(f"{row} time:text-matches('^3.minutes ago$')", timeout=10_000)
    runs.add(run.pk, {"changed": 2})
    page.wait_for_selector(f'{row} progress[value="50"]', timeout=10_000)
    SyncRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    page.wait_for_selector(f"{row} time:text-matches('^5.minutes ago$')", timeout=10_000)
    assert page.errors == [] and page.left_loopback == []


def test_the_figures_sit_on_one_line_at_1024_pixels(signed_in_page):
    """They wrapped 6 + 1 there; below 900 px they go in rows of four, then two."""
    page = signed_in_page
    for width, per_line in [(1024, None), (1440, None), (800, 4), (390, 2)]:
        page.set_viewport_size({"width": width, "height": 800})
        tops = page.locator(".tiles .tile").evaluate_all("tiles => tiles.map(t => t.offsetTop)")
        assert tops.count(tops[0]) == min(per_line or len(tops), len(tops)), (width, tops)
