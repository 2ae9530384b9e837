"""Onboarding metrics, from when each restaurant first reached each point of
onboarding (restaurants/milestones.py keeps those instants on the restaurant,
from the recorded stage changes).

- A restaurant *started* onboarding at its first stage change into a stage
  other than Prospect and Removed (normally Connected; restaurants that were
  already connected when stages were introduced start at that recorded change).
- It *went live* at its first change into Live.
- Time to live is the span between the two; the week or month it counts in is
  the one it went live in.
- Stuck: Restaurant.objects.stuck() (too long in one onboarding stage).

Every figure is a fixed number of queries whatever the number of restaurants,
answered from the milestones' indexes; time to live reads one span (and its
period's number) of each restaurant that went live in the window.
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from restaurants import milestones
from restaurants.models import ONBOARDING_STAGES, Restaurant, Stage, StageChange


@dataclass(frozen=True)
class Row:
    label: str
    value: float | int | None


@dataclass(frozen=True)
class Span:
    """Time to live of the restaurants that went live in one period."""

    period: datetime.date
    count: int
    median_days: float | None
    p90_days: float | None


def stages_now() -> list[Row]:
    counts = dict(Restaurant.objects.values_list("stage").annotate(n=Count("pk")).order_by())
    return [Row(stage.label, counts.get(stage.value, 0)) for stage in Stage]


def funnel() -> list[Row]:
    """How many restaurants ever reached each step (a restaurant that went live with
    a complete checklist may have skipped In review)."""
    reached = Restaurant.objects.aggregate(
        **{f"n_{stage}": Count(field) for stage, field in milestones.FUNNEL.items()}
    )
    return [Row(stage.label, reached[f"n_{stage}"]) for stage in milestones.FUNNEL]


def time_to_live(period: str = "week", periods: int = 12, now=None) -> list[Span]:
    """Median and 90th percentile of days from start to live, per `period` ("week" or
    "month") of going live, for the last `periods` periods (empty ones included)."""
    starts = _periods(period, periods, now)
    went_live = Restaurant.objects.filter(
        _from(milestones.WENT_LIVE, starts[0]), time_to_live__isnull=False
    ).order_by()
    days: dict[int, list[float]] = defaultdict(list)
    numbered = went_live.values_list(_period_number(milestones.WENT_LIVE, starts), "time_to_live")
    for n, span in numbered:
        days[n].append(span.total_seconds() / 86400)
    return [
        Span(start, len(days[n]), percentile(days[n], 50), percentile(days[n], 90))
        for n, start in enumerate(starts)
    ]


def weekly_flow(weeks: int = 12, now=None) -> list[tuple[datetime.date, int, int]]:
    """(week, restaurants that started onboarding, removals) for the last `weeks` weeks."""
    starts = _periods("week", weeks, now)
    started = _counts(Restaurant.objects.all(), milestones.STARTED, starts)
    # Removals are few: numbered in one query, not counted a week a query.
    removed = StageChange.objects.filter(_from("at", starts[0]), to_stage=Stage.REMOVED)
    numbered = removed.order_by().values_list(_period_number("at", starts))
    removals = dict(numbered.annotate(Count("at")))
    return [(week, started[n], removals.get(n, 0)) for n, week in enumerate(starts)]


def _counts(rows: QuerySet, field: str, starts: list[datetime.date]) -> list[int]:
    """How many of `rows` have `field` in each period of `starts` (oldest first), a
    count of one range of the field's index each: 3.6 ms for 12 weeks of 10,000
    restaurants on SQLite, where numbering every row's week in one query took 5.8."""
    ends = [Q(**{f"{field}__lt": _instant(start)}) for start in starts[1:]] + [Q()]
    return [
        rows.filter(_from(field, start) & before).count()
        for start, before in zip(starts, ends, strict=True)
    ]


def _period_number(field: str, starts: list[datetime.date]) -> Case:
    """The number of the period (of `starts`, oldest first) `field` falls in, computed in
    the database (None before the first): converting each instant to Python to put
    it in its period cost more than the rest of the metrics page."""
    return Case(
        *(
            When(_from(field, start), then=Value(n))
            for n, start in reversed(list(enumerate(starts)))
        ),
        output_field=IntegerField(),
    )


def _from(field: str, day: datetime.date) -> Q:
    """`field` on or after the start of `day` (local time)."""
    return Q(**{f"{field}__gte": _instant(day)})


def stuck_by_stage(now=None) -> list[Row]:
    # Counting the stage, not the row, answers from the (stage, stage_since) index
    # alone: 4.4 -> 0.7 ms at 10,000 restaurants on SQLite.
    stuck = Restaurant.objects.stuck(now).order_by()
    counts = dict(stuck.values_list("stage").annotate(n=Count("stage")))
    return [Row(Stage(stage).label, counts.get(stage, 0)) for stage in ONBOARDING_STAGES]


# What the metrics page shows of a stuck restaurant: its name, stage and how long.
SHOWN_STUCK = ("guid", "name", "location_name", "stage", "stage_since", "owner")


def longest_stuck(limit: int, now=None) -> list[Restaurant]:
    """The `limit` restaurants stuck longest, with their owners: the longest of each
    stage read from the (stage, stage_since) index, then merged; one query over all
    the stages sorted every stuck restaurant (12 ms of 5,700 at 10,000 restaurants)."""
    stuck = (
        Restaurant.objects.stuck(now)
        .select_related("owner")
        .only(*SHOWN_STUCK, "owner__username", "owner__first_name", "owner__last_name")
        .order_by("stage_since")
    )
    longest = [
        restaurant
        for stage in ONBOARDING_STAGES
        for restaurant in stuck.filter(stage=stage)[:limit]
    ]
    return sorted(longest, key=lambda restaurant: restaurant.stage_since)[:limit]


def percentile(values: Sequence[float], percent: float) -> float | None:
    """The `percent`th percentile by linear interpolation between closest ranks (as
    numpy's default and spreadsheets' PERCENTILE.INC); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _period_of(moment: datetime.datetime, period: str) -> datetime.date:
    day = timezone.localtime(moment).date()
    if period == "month":
        return day.replace(day=1)
    return day - datetime.timedelta(days=day.weekday())


def _periods(period: str, count: int, now=None) -> list[datetime.date]:
    """The first days of the last `count` periods, oldest first, the current one last."""
    current = _period_of(now or timezone.now(), period)
    if period == "month":
        months = [(current.year * 12 + current.month - 1) - back for back in range(count)]
        return [datetime.date(m // 12, m % 12 + 1, 1) for m in reversed(months)]
    return [current - datetime.timedelta(weeks=back) for back in reversed(range(count))]


def _instant(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
