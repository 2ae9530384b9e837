"""Metrics computed on stage changes whose answers are known."""

import datetime
import uuid

import pytest
from django.utils import timezone

from restaurants import metrics, milestones
from restaurants.models import Restaurant, Stage, StageChange

pytestmark = pytest.mark.django_db

# A Wednesday noon, so that "this week" starts on Monday the 2nd.
NOW = timezone.make_aware(datetime.datetime(2026, 11, 4, 12, 0))


def restaurant(stage, path, since=None):
    """A restaurant that went through `path`: (stage, days before NOW) pairs."""
    made = Restaurant.objects.create(
        guid=uuid.uuid4(), stage=stage, stage_since=since or NOW - datetime.timedelta(days=1)
    )
    previous = ""
    for to, days_ago in path:
        StageChange.objects.create(
            restaurant=made,
            from_stage=previous,
            to_stage=to,
            at=NOW - datetime.timedelta(days=days_ago),
        )
        previous = to
    milestones.refresh(Restaurant.objects.filter(pk=made.pk))
    return made


@pytest.fixture
def known():
    # Live this week after 2, 4, 6 and 10 days; one live last week after 1 day.
    for days in (2, 4, 6, 10):
        restaurant(
            Stage.LIVE,
            [(Stage.CONNECTED, days + 1), (Stage.DATA_RECEIVED, days), (Stage.LIVE, 1)],
        )
    restaurant(Stage.LIVE, [(Stage.CONNECTED, 9), (Stage.LIVE, 8)])
    # In review for 20 days: stuck; connected 3 days ago: not.
    restaurant(
        Stage.IN_REVIEW,
        [(Stage.CONNECTED, 21), (Stage.DATA_RECEIVED, 20), (Stage.IN_REVIEW, 20)],
        since=NOW - datetime.timedelta(days=20),
    )
    restaurant(Stage.CONNECTED, [(Stage.CONNECTED, 3)], since=NOW - datetime.timedelta(days=3))
    # Removed this week.
    restaurant(Stage.REMOVED, [(Stage.CONNECTED, 30), (Stage.REMOVED, 2)])
    Restaurant.objects.create(guid=uuid.uuid4())  # a prospect


def test_stages_now_and_the_funnel(known):
    now = {row.label: row.value for row in metrics.stages_now()}
    assert now == {
        "Prospect": 1,
        "Connected": 1,
        "Data received": 0,
        "In review": 1,
        "Live": 5,
        "Blocked": 0,
        "Removed": 1,
    }
    assert [(row.label, row.value) for row in metrics.funnel()] == [
        ("Connected", 8),
        ("Data received", 5),
        ("In review", 1),
        ("Live", 5),
    ]


def test_time_to_live_median_and_90th_percentile_by_week(known):
    spans = metrics.time_to_live("week", 3, now=NOW)
    assert [span.period for span in spans] == [
        datetime.date(2026, 10, 19),
        datetime.date(2026, 10, 26),
        datetime.date(2026, 11, 2),
    ]
    this_week = spans[-1]
    # Days from connected to live: 2, 4, 6, 10.
    assert this_week.count == 4
    assert this_week.median_days == pytest.approx(5.0)
    assert this_week.p90_days == pytest.approx(8.8)  # 6 + 0.7 * (10 - 6)
    assert (spans[1].count, spans[1].median_days) == (1, pytest.approx(1.0))
    assert (spans[0].count, spans[0].median_days) == (0, None)


def test_time_to_live_by_month(known):
    october, november = metrics.time_to_live("month", 2, now=NOW)
    assert (october.period, october.count) == (datetime.date(2026, 10, 1), 1)
    assert (november.period, november.count) == (datetime.date(2026, 11, 1), 4)


def test_stuck_and_weekly_flow(known):
    stuck = {row.label: row.value for row in metrics.stuck_by_stage(now=NOW)}
    assert stuck == {"Connected": 0, "Data received": 0, "In review": 1, "Blocked": 0}
    flow = metrics.weekly_flow(2, now=NOW)
    # This week (from Monday 2nd): nobody started, one removal 2 days ago. The week
    # before (26th to 1st): started 3, 3, 5, 7 and 9 days ago; 11 and 21 are older.
    assert flow == [(datetime.date(2026, 10, 26), 5, 0), (datetime.date(2026, 11, 2), 0, 1)]


def test_percentile_matches_the_spreadsheet_definition():
    assert metrics.percentile([1, 2, 3, 4], 50) == 2.5
    assert metrics.percentile([1, 2, 3, 4], 90) == pytest.approx(3.7)
    assert metrics.percentile([7], 90) == 7
    assert metrics.percentile([], 50) is None


def test_a_week_before_the_weeks_shown_counts_in_its_month_only(known):
    # Live 20 days ago: in October's figure, before the first of the three weeks.
    restaurant(Stage.LIVE, [(Stage.CONNECTED, 25), (Stage.LIVE, 20)])
    weeks = metrics.time_to_live("week", 3, now=NOW)
    months = metrics.time_to_live("month", 2, now=NOW)
    assert months[0].count == 2 and sum(span.count for span in weeks) == 5
