"""When a restaurant first reached each point of onboarding, kept on the restaurant.

The metrics (restaurants/metrics.py) count and measure these instants; read from
the stage changes they were one grouping of every restaurant's history per
figure, 190 ms of the metrics page at 10,000 restaurants. Each is the earliest
StageChange of its kind: stages._apply sets them with the moves it records, in
its own UPDATE (`assignments`), and `refresh` rebuilds them from the history (the
migration that introduced them).

- `onboarding_started_at`: the first move into a stage other than Prospect and
  Removed (normally Connected; restaurants already connected when stages were
  introduced start at that recorded change);
- `reached_<stage>_at`: the first move into each step of the funnel;
- `time_to_live`: from the start to the first move into Live (the metrics'
  medians read this span and not the two instants: converting 2,800 instants
  to Python took most of the time-to-live figures' 15 ms).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    Case,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from restaurants.models import Stage, StageChange

NOT_STARTED = (Stage.PROSPECT, Stage.REMOVED)
STARTED = "onboarding_started_at"
# The funnel's steps, in order, and the field holding when each was first reached.
FUNNEL = {
    Stage.CONNECTED: "reached_connected_at",
    Stage.DATA_RECEIVED: "reached_data_received_at",
    Stage.IN_REVIEW: "reached_in_review_at",
    Stage.LIVE: "reached_live_at",
}
WENT_LIVE = FUNNEL[Stage.LIVE]


def conditions() -> dict[str, Q]:
    """Each milestone field and the stage changes whose first instant it holds."""
    return {
        STARTED: ~Q(to_stage__in=NOT_STARTED),
        **{field: Q(to_stage=stage) for stage, field in FUNNEL.items()},
    }


def reached_by(stage: str) -> list[str]:
    """The milestone fields a move into `stage` reaches: what `conditions` says of a
    StageChange, for one stage."""
    fields = [] if stage in NOT_STARTED else [STARTED]
    if stage in FUNNEL:
        fields.append(FUNNEL[stage])
    return fields


def assignments(moves: Iterable[tuple[Any, str]], at: datetime.datetime) -> dict[str, Any]:
    """The UPDATE assignments that record `at` on each (restaurant, stage) move's
    milestones where it is the first, and the time to live from them; a restaurant
    the moves do not name keeps its values. Empty if no move reaches a milestone.
    (stages._apply sets them in its stage UPDATE: one row version a batch's move.)

    Reading the history instead (`refresh`) let PostgreSQL pick a plan from
    statistics taken before a first refresh: it scanned every change into Data
    received for each restaurant moved, 2.2 s for a batch of 100 at 41,000
    restaurants, and more with each batch."""
    reached: dict[str, set[Any]] = defaultdict(set)
    for guid, stage in moves:
        for field in reached_by(stage):
            reached[field].add(guid)
    if not reached:
        return {}
    instant = Value(at, output_field=DateTimeField())
    # SQLite's MIN() of a NULL is NULL, PostgreSQL's LEAST skips it: Coalesce suits both.
    first: dict[str, Any] = {
        field: Case(
            When(pk__in=guids, then=Coalesce(Least(F(field), instant), instant)), default=F(field)
        )
        for field, guids in reached.items()
    }
    # The span from the same new values, in the same statement (SET reads the old row).
    span = _span(first.get(WENT_LIVE, F(WENT_LIVE)), first.get(STARTED, F(STARTED)))
    return {**first, "time_to_live": span}


def refresh(restaurants: QuerySet, changes: QuerySet | None = None) -> int:
    """Sets every milestone of `restaurants` from their stage changes (`changes`: the
    StageChange rows to read, for a migration's historical model); one statement."""
    changes = StageChange.objects.all() if changes is None else changes
    own = changes.filter(restaurant=OuterRef("pk")).order_by().values("restaurant")

    def first(condition: Q) -> Subquery:
        return Subquery(own.filter(condition).annotate(first=Min("at")).values("first")[:1])

    count = restaurants.update(**{field: first(when) for field, when in conditions().items()})
    restaurants.update(time_to_live=_span(F(WENT_LIVE), F(STARTED)))
    return count


def _span(went_live: Any, started: Any) -> ExpressionWrapper:
    return ExpressionWrapper(went_live - started, output_field=DurationField())
