"""What needs a person: a next step past its due date, and how long a stage has lasted.

One definition of "overdue", used by every page that shows it (the list, the
board, "My restaurants", the dashboard): a queryset condition and, beside it,
the predicate for one restaurant already read. Stuck restaurants are the
model's (`RestaurantQuerySet.stuck`).
"""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from restaurants.models import Restaurant


def today() -> datetime.date:
    """The portal's date (TIME_ZONE): a step due today is not overdue before midnight."""
    return timezone.localdate()


def overdue_condition(day: datetime.date | None = None) -> Q:
    return Q(next_step_due__lt=day or today()) & ~Q(next_step="")


def overdue(queryset: QuerySet[Restaurant], day: datetime.date | None = None) -> QuerySet:
    return queryset.filter(overdue_condition(day))


def is_overdue(restaurant: Restaurant, day: datetime.date | None = None) -> bool:
    due = restaurant.next_step_due
    return bool(restaurant.next_step) and due is not None and due < (day or today())


def days_in_stage(restaurant: Restaurant, now: datetime.datetime | None = None) -> int:
    return max(((now or timezone.now()) - restaurant.stage_since).days, 0)
