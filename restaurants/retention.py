"""Snapshot retention: how many versions of a restaurant are kept, and for how long.

Every changed payload is a new snapshot (ingest.py): with 2% of 150,000
restaurants changing a day, 3,000 rows of some kilobytes a day, without end.
The daily prune keeps each restaurant's newest `keep` snapshots and drops
those older than `max_age`, but never a restaurant's newest: it is what the
restaurant looks like now, what the next change is compared with. The history
(history.py) pages through what is kept; the oldest kept shows as the first
stored version.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from restaurants.models import Snapshot

# Rows deleted per statement: short transactions beside the refresh's writes.
BATCH = 5000


def prune(now: datetime, *, keep: int, max_age: timedelta) -> int:
    """Deletes the snapshots past the newest `keep` of their restaurant, and those older
    than `max_age` that are not its newest; returns how many."""
    if keep < 1:
        raise ValueError("keep at least a restaurant's newest snapshot")
    newest_first = Window(
        RowNumber(),
        partition_by=[F("restaurant_id")],
        order_by=[F("fetched_at").desc(), F("id").desc()],
    )
    expired = (
        Snapshot.objects.annotate(rank=newest_first)
        .filter(Q(rank__gt=keep) | Q(rank__gt=1, fetched_at__lt=now - max_age))
        .values_list("pk", flat=True)
    )
    deleted = 0
    while batch := list(expired[:BATCH]):
        with transaction.atomic():
            deleted += Snapshot.objects.filter(pk__in=batch).delete()[0]
    return deleted
