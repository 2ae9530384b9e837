"""The dashboard's first section: the signed-in user's work.

Their overdue next steps, the new connections nobody owns yet, and the
restaurants stuck in a stage that are theirs or nobody's: three short lists
and their counts, in four queries whatever the number of restaurants.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from restaurants import attention
from restaurants.models import Connection, Restaurant, Stage

ROWS = 5
# A connection is new until someone owns it or it goes live (or is removed).
NEW_STAGES = (Stage.CONNECTED, Stage.DATA_RECEIVED, Stage.IN_REVIEW)


@dataclass(frozen=True)
class MyWork:
    overdue: list[Restaurant]
    overdue_count: int
    unassigned: list[Restaurant]
    unassigned_count: int
    stuck: list[Restaurant]
    stuck_count: int
    stuck_days: int


def for_user(user: Any, now: datetime.datetime | None = None) -> MyWork:
    now = now or timezone.now()
    today = timezone.localdate(now)
    conditions = {
        "overdue": Q(owner=user) & attention.overdue_condition(today),
        "unassigned": Q(
            owner__isnull=True,
            stage__in=NEW_STAGES,
            connection__status=Connection.Status.CONNECTED,
        ),
        "stuck": (Q(owner=user) | Q(owner__isnull=True)) & attention.stuck_condition(now),
    }
    counts = Restaurant.objects.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )
    restaurants = Restaurant.objects.select_related("owner")
    orderings = {
        "overdue": ("next_step_due", "name"),
        "unassigned": ("-connection__connected_at", "name"),
        "stuck": ("stage_since", "name"),
    }
    lists = {
        name: list(restaurants.filter(conditions[name]).order_by(*orderings[name])[:ROWS])
        if counts[name]
        else []
        for name in conditions
    }
    return MyWork(
        overdue=lists["overdue"],
        overdue_count=counts["overdue"],
        unassigned=lists["unassigned"],
        unassigned_count=counts["unassigned"],
        stuck=lists["stuck"],
        stuck_count=counts["stuck"],
        stuck_days=settings.ONBOARDING_STUCK_AFTER_DAYS,
    )
