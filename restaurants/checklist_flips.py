"""Checklist items a stored payload made done or undone, as timeline entries.

An item undone after a sync (the delivery area vanished, online ordering was
switched off) is a regression staff hear of (the entry's action is "undone").
A restaurant's first data makes many items done at once: that is its stage
change, not a flip of each item.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from restaurants import onboarding, timeline

FIRST_DATA = "data-received"


def record(
    before: Mapping[Any, frozenset[str]],
    after: Mapping[Any, frozenset[str]],
    at: datetime.datetime | None = None,
) -> list[Any]:
    """Writes an entry per item that flipped between `before` and `after`."""
    entries = [
        _entry(guid, item, item.key in now, at)
        for guid, was in before.items()
        if FIRST_DATA in was
        for now in [after.get(guid, was)]
        for item in onboarding.ITEMS
        if (item.key in was) != (item.key in now)
    ]
    return timeline.record_many(entries)


def _entry(guid: Any, item: onboarding.Item, done: bool, at: datetime.datetime | None) -> Any:
    summary = (
        f"Checklist: {item.label} — done"
        if done
        else f"Checklist: {item.todo_label or item.label} — no longer done"
    )
    return timeline.entry_for(
        guid,
        timeline.Kind.CHECKLIST,
        summary,
        action="done" if done else "undone",
        before={item.key: not done},
        after={item.key: done},
        details={"item": item.key},
        at=at,
    )
