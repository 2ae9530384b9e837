"""Onboarding metrics, computed from the recorded stage changes (StageChange).

- A restaurant *started* onboarding at its first stage change into a stage
  other than Prospect and Removed (normally Connected; restaurants that were
  already connected when stages were introduced start at that recorded change).
- It *went live* at its first change into Live.
- Time to live is the span between the two; the week or month it counts in is
  the one it went live in.
- Stuck: Restaurant.objects.stuck() (too long in one onboarding stage).

Every figure is a fixed number of queries whatever the number of restaurants;
the per-restaurant spans are read as two instants a restaurant.
"""

import bisect
import datetime
import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone

from restaurants.models import ONBOARDING_STAGES, Restaurant, Stage, StageChange

NOT_STARTED = (Stage.PROSPECT, Stage.REMOVED)
# The funnel's steps, in order: each counts the restaurants that ever reached it.
FUNNEL = (Stage.CONNECTED, Stage.DATA_RECEIVED, Stage.IN_REVIEW, Stage.LIVE)


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
    reached = dict(
        StageChange.objects.filter(to_stage__in=FUNNEL)
        .values_list("to_stage")
        .annotate(n=Count("restaurant", distinct=True))
        .order_by()
    )
    return [Row(Stage(step).label, reached.get(step, 0)) for step in FUNNEL]


def time_to_live(period: str = "week", periods: int = 12, now=None) -> list[Span]:
    """Median and 90th percentile of days from start to live, per `period` ("week" or
    "month") of going live, for the last `periods` periods (empty ones included)."""
    starts = _periods(period, periods, now)
    bucket = _bucketer(starts)
    spans: dict[datetime.date, list[float]] = defaultdict(list)
    for started, live in _starts_and_lives(since=_instant(starts[0])):
        if started is not None and live >= started:
            spans[bucket(live)].append((live - started).total_seconds() / 86400)
    return [
        Span(start, len(spans[start]), percentile(spans[start], 50), percentile(spans[start], 90))
        for start in starts
    ]


def weekly_flow(weeks: int = 12, now=None) -> list[tuple[datetime.date, int, int]]:
    """(week, restaurants that started onboarding, removals) for the last `weeks` weeks,
    counted in the database a week a column (10,000 instants read into Python cost
    more than the rest of the page)."""
    starts = _periods("week", weeks, now)
    bounds = [_instant(start) for start in starts] + [None]

    def per_week(field: str, counted: str) -> list[Count]:
        return [
            Count(counted, filter=Q(**{f"{field}__gte": low}) & _before(field, high))
            for low, high in itertools.pairwise(bounds)
        ]

    removals = StageChange.objects.filter(to_stage=Stage.REMOVED).aggregate(
        **{f"w{n}": count for n, count in enumerate(per_week("at", "pk"))}
    )
    firsts = (
        StageChange.objects.exclude(to_stage__in=NOT_STARTED)
        .values("restaurant")
        .annotate(first=Min("at"))
        .filter(first__gte=bounds[0])
    )
    started = firsts.aggregate(
        **{f"w{n}": count for n, count in enumerate(per_week("first", "restaurant"))}
    )
    return [(week, started[f"w{n}"], removals[f"w{n}"]) for n, week in enumerate(starts)]


def _before(field: str, high: datetime.datetime | None) -> Q:
    return Q(**{f"{field}__lt": high}) if high is not None else Q()


def stuck_by_stage(now=None) -> list[Row]:
    counts = dict(
        Restaurant.objects.stuck(now).values_list("stage").annotate(n=Count("pk")).order_by()
    )
    return [Row(Stage(stage).label, counts.get(stage, 0)) for stage in ONBOARDING_STAGES]


def percentile(values: Sequence[float], percent: float) -> float | None:
    """The `percent`th percentile by linear interpolation between closest ranks (as
    numpy's default and spreadsheets' PERCENTILE.INC); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _bucketer(starts: list[datetime.date]):
    """The period (of `starts`, oldest first) an instant falls in, by bisection: a
    local-time conversion per row cost most of the page at 10,000 restaurants."""
    bounds = [_instant(start) for start in starts]

    def bucket(moment: datetime.datetime) -> datetime.date:
        return starts[max(0, bisect.bisect_right(bounds, moment) - 1)]

    return bucket


def _starts_and_lives(since: datetime.datetime):
    """(started, went live) of each restaurant that went live since `since`; only
    those restaurants' changes are grouped."""
    went_live = StageChange.objects.filter(to_stage=Stage.LIVE, at__gte=since)
    return (
        StageChange.objects.filter(restaurant__in=went_live.values("restaurant"))
        .values("restaurant")
        .annotate(
            started=Min("at", filter=~Q(to_stage__in=NOT_STARTED)),
            live=Min("at", filter=Q(to_stage=Stage.LIVE)),
        )
        .filter(live__gte=since)
        .values_list("started", "live")
    )


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
