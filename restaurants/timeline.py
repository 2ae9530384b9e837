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
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from restaurants import history
from restaurants.models import Snapshot, TimelineEntry
from restaurants.values import as_instant

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


ENTRY, DATA = 1, 0  # an item's rank among those of the same instant
Cursor = tuple[datetime.datetime, int, int]


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
    # Where it stands, newest first: its instant, then entries before data versions
    # of the same instant, then by id (a stage move's steps share one instant).
    order: Cursor = field(kw_only=True)


@dataclass(frozen=True)
class Page:
    items: list[Item]
    older: str | None  # the cursor of the next page, if there is one


def page(restaurant: Any, cursor: str | None = None) -> Page:
    """Up to PAGE_SIZE items after `cursor` (from the newest without one), in a fixed
    number of queries: entries, and the snapshots of the same span."""
    entries = restaurant.timeline.select_related("actor")
    snapshots = restaurant.snapshots.all()
    after = parse_cursor(cursor)
    if after is not None:
        entries = entries.filter(_older("at", ENTRY, after))
        snapshots = snapshots.filter(_older("fetched_at", DATA, after))
    items = [_entry_item(entry) for entry in entries[:PAGE_SIZE]]
    items += _data_items(list(snapshots[: PAGE_SIZE + 1]))
    items.sort(key=lambda item: item.order, reverse=True)
    shown = items[:PAGE_SIZE]
    return Page(shown, _cursor(shown[-1].order) if len(items) > PAGE_SIZE else None)


def parse_cursor(text: str | None) -> Cursor | None:
    """A cursor as `page` writes it ("<ISO instant>~<rank>~<id>"); None for any other text."""
    parts = (text or "").split("~")
    moment = as_instant(parts[0]) if len(parts) == 3 else None
    if moment is None or not (parts[1] in ("0", "1") and parts[2].isdigit()):
        return None
    return moment, int(parts[1]), int(parts[2])


def _cursor(order: Cursor) -> str:
    at, rank, pk = order
    return f"{at.isoformat()}~{rank}~{pk}"


def _older(field: str, rank: int, cursor: Cursor) -> Q:
    """Rows of rank `rank` that come after `cursor` in the timeline's order."""
    at, cursor_rank, pk = cursor
    older = Q(**{f"{field}__lt": at})
    if rank == cursor_rank:
        return older | Q(**{field: at}, pk__lt=pk)
    if rank < cursor_rank:  # at the cursor's instant these come after its item
        return older | Q(**{field: at})
    return older


def _entry_item(entry: TimelineEntry) -> Item:
    return Item(
        at=entry.at,
        kind=entry.kind,
        kind_label=entry.get_kind_display(),
        summary=entry.summary,
        actor=entry.actor,
        before=entry.before,
        after=entry.after,
        order=(entry.at, ENTRY, entry.pk),
    )


def _data_items(snapshots: list[Snapshot]) -> Iterable[Item]:
    """A stored version that changed something, with its changed fields; the oldest
    read is only there to compare with (a restaurant's first version is shown as
    the first data received)."""
    window = history.changes(snapshots)
    if len(snapshots) > PAGE_SIZE:
        window = window[:-1]
    for entry in window:
        version = entry.snapshot
        order = (version.fetched_at, DATA, version.pk)
        if entry.changes is None:
            yield Item(version.fetched_at, "data", "Data", "First data received", order=order)
        elif entry.changes:
            count = len(entry.changes)
            yield Item(
                version.fetched_at,
                "data",
                "Data",
                f"Data changed: {count} field{'s' if count != 1 else ''}",
                changes=entry.changes,
                order=order,
            )
