"""When a restaurant first reached each point of onboarding, kept on the restaurant.

The metrics (restaurants/metrics.py) count and measure these instants; read from
the stage changes they were one grouping of every restaurant's history per
figure, 190 ms of the metrics page at 10,000 restaurants. Each is the earliest
StageChange of its kind, so `refresh` can always rebuild them from the history:
stages._apply calls it for the restaurants it moves, in the same transaction.

- `onboarding_started_at`: the first move into a stage other than Prospect and
  Removed (normally Connected; restaurants already connected when stages were
  introduced start at that recorded change);
- `reached_<stage>_at`: the first move into each step of the funnel;
- `time_to_live`: from the start to the first move into Live (the metrics'
  medians read this span and not the two instants: converting 2,800 instants
  to Python took most of the time-to-live figures' 15 ms).
"""

from django.db.models import (
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

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


def refresh(restaurants: QuerySet, changes: QuerySet | None = None) -> int:
    """Sets every milestone of `restaurants` from their stage changes (`changes`: the
    StageChange rows to read, for a migration's historical model); one statement."""
    changes = StageChange.objects.all() if changes is None else changes
    own = changes.filter(restaurant=OuterRef("pk")).order_by().values("restaurant")

    def first(condition: Q) -> Subquery:
        return Subquery(own.filter(condition).annotate(first=Min("at")).values("first")[:1])

    count = restaurants.update(**{field: first(when) for field, when in conditions().items()})
    span = ExpressionWrapper(F(WENT_LIVE) - F(STARTED), output_field=DurationField())
    restaurants.update(time_to_live=span)
    return count
