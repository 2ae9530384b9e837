"""A restaurant's timeline: what happened to it, newest first, from every source.

Entries are written here (`record`, `record_many`) by whatever makes them
happen: the platform's events, the checklist, staff actions (each entry is its
audit record), messages. The data changes a sync made are not written twice:
`page` reads them from the snapshots (restaurants/history.py) and merges them
in, so a sync costs nothing more.

`recorded` is sent after the entries are committed, for whoever must hear of
them (staff notifications) without slowing the writer down.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from restaurants import history
from restaurants.models import Snapshot, TimelineEntry

PAGE_SIZE = 50
Kind = TimelineEntry.Kind
# `sender` TimelineEntry, `entries`: the entries just committed.
recorded = Signal()


def record(restaurant_id: Any, kind: str, summary: str, **fields: Any) -> TimelineEntry:
    """Writes one entry (the fields of `entry_for`)."""
    return record_many([entry_for(restaurant_id, kind, summary, **fields)])[0]


def entry_for(
    restaurant_id: Any,
    kind: str,
    summary: str,
    *,
    action: str = "",
    actor: Any = None,
    before: Any = None,
    after: Any = None,
    details: dict | None = None,
    at: datetime.datetime | None = None,
) -> TimelineEntry:
    """An unsaved entry, for `record_many`."""
    return TimelineEntry(
        restaurant_id=restaurant_id,
        kind=kind,
        action=(action or kind)[:32],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        summary=summary,
        before=before,
        after=after,
        details=details or {},
        at=at or timezone.now(),
    )


def record_many(entries: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    if not entries:
        return []
    saved = TimelineEntry.objects.bulk_create(entries)
    transaction.on_commit(lambda: recorded.send(sender=TimelineEntry, entries=saved))
    return saved


@dataclass(frozen=True)
class Item:
    """One line of the timeline: an entry, or a stored version of the data."""

    at: datetime.datetime
    kind: str
    kind_label: str
    summary: str
    actor: Any = None
    before: Any = None
    after: Any = None
    changes: Sequence[history.Change] = ()


@dataclass(frozen=True)
class Page:
    items: list[Item]
    older: datetime.datetime | None  # the `before` of the next page, if there is one


def page(restaurant: Any, before: datetime.datetime | None = None) -> Page:
    """Up to PAGE_SIZE items older than `before` (the newest without), in a fixed
    number of queries: entries, and the snapshots of the same span."""
    entries = restaurant.timeline.select_related("actor")
    snapshots = restaurant.snapshots.all()
    if before is not None:
        entries, snapshots = entries.filter(at__lt=before), snapshots.filter(fetched_at__lt=before)
    items = [_entry_item(entry) for entry in entries[:PAGE_SIZE]]
    items += _data_items(list(snapshots[: PAGE_SIZE + 1]))
    items.sort(key=lambda item: item.at, reverse=True)
    shown = items[:PAGE_SIZE]
    return Page(shown, shown[-1].at if len(items) > PAGE_SIZE else None)


def _entry_item(entry: TimelineEntry) -> Item:
    return Item(
        at=entry.at,
        kind=entry.kind,
        kind_label=entry.get_kind_display(),
        summary=entry.summary,
        actor=entry.actor,
        before=entry.before,
        after=entry.after,
    )


def _data_items(snapshots: list[Snapshot]) -> Iterable[Item]:
    """A stored version that changed something, with its changed fields; the oldest
    read is only there to compare with (a restaurant's first version is shown as
    the first data received)."""
    window = history.changes(snapshots)
    if len(snapshots) > PAGE_SIZE:
        window = window[:-1]
    for entry in window:
        if entry.changes is None:
            yield Item(entry.snapshot.fetched_at, "data", "Data", "First data received")
        elif entry.changes:
            count = len(entry.changes)
            yield Item(
                entry.snapshot.fetched_at,
                "data",
                "Data",
                f"Data changed: {count} field{'s' if count != 1 else ''}",
                changes=entry.changes,
            )
