"""The dashboard's first section: the signed-in user's work.

Their overdue next steps, the new connections nobody owns yet, and the
restaurants stuck in a stage that are theirs or nobody's: three short lists
and their counts, in six queries whatever the number of restaurants.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from restaurants.models import Connection, Restaurant, Stage

ROWS = 5
# A connection is new until someone owns it or it goes live (or is removed).
NEW_STAGES = (Stage.CONNECTED, Stage.DATA_RECEIVED, Stage.IN_REVIEW)


@dataclass(frozen=True)
class Listed:
    restaurants: list[Restaurant]
    count: int


@dataclass(frozen=True)
class MyWork:
    overdue: Listed
    unassigned: Listed
    stuck: Listed
    stuck_days: int


def for_user(user: Any, now: datetime.datetime | None = None) -> MyWork:
    now = now or timezone.now()
    restaurants = Restaurant.objects.select_related("owner")
    unassigned = restaurants.filter(
        owner__isnull=True, stage__in=NEW_STAGES, connection__status=Connection.Status.CONNECTED
    )
    stuck = restaurants.stuck(now).filter(Q(owner_id=user.pk) | Q(owner__isnull=True))
    return MyWork(
        overdue=_listed(
            restaurants.filter(owner_id=user.pk).overdue(timezone.localdate(now)),
            "next_step_due",
        ),
        unassigned=_listed(unassigned, "-connection__connected_at"),
        stuck=_listed(stuck, "stage_since"),
        stuck_days=settings.ONBOARDING_STUCK_AFTER_DAYS,
    )


def _listed(queryset: QuerySet[Restaurant], order: str) -> Listed:
    count = queryset.count()
    return Listed(list(queryset.order_by(order, "name")[:ROWS]) if count else [], count)
