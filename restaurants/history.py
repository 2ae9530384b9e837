"""What changed between a restaurant's snapshots, field by field, a page at a time.

A page reads a bounded number of snapshots (one more than it shows: the
oldest shown needs its predecessor to diff against), so the restaurant page
costs the same with 5 or 5,000 stored versions.
"""

import itertools
import math
import sys
from dataclasses import dataclass

from restaurants import field_labels

PAGE_SIZE = 20


@dataclass(frozen=True)
class Change:
    path: str
    before: object
    after: object

    @property
    def label(self):
        """What staff call the field; `path` is the payload's own name for it."""
        return field_labels.label(self.path)


@dataclass(frozen=True)
class Entry:
    snapshot: object
    changes: list | None  # None: the first stored version, nothing to compare with


@dataclass(frozen=True)
class Page:
    entries: list
    number: int
    has_older: bool

    @property
    def has_newer(self):
        return self.number > 1


def page(snapshots, number):
    """Page `number` (1 = newest) of `snapshots`, a queryset ordered newest first.

    A number past the last page (an old link, a typed URL) shows the last one;
    the count that finds it is only taken then, so a normal page costs no more.
    """
    # Bounded so that the offset fits the databases' 64-bit integers.
    number = min(max(1, number), sys.maxsize // PAGE_SIZE)
    window = _window(snapshots, number)
    if not window and number > 1:
        number = max(1, math.ceil(snapshots.count() / PAGE_SIZE))
        window = _window(snapshots, number)
    entries = changes(window)
    has_older = len(window) > PAGE_SIZE
    return Page(entries[:PAGE_SIZE], number, has_older)


def _window(snapshots, number):
    """The snapshots page `number` shows, and the one before them to diff against."""
    start = (number - 1) * PAGE_SIZE
    return list(snapshots[start : start + PAGE_SIZE + 1])


def changes(snapshots):
    """An Entry per snapshot, newest first, each against the snapshot after it in the list.

    The last snapshot has no predecessor in the list: it is shown as the first
    stored version (a caller that has older ones reads one more and drops it).
    """
    entries = [
        Entry(newer, diff(older.payload, newer.payload))
        for newer, older in itertools.pairwise(snapshots)
    ]
    if snapshots:
        entries.append(Entry(snapshots[-1], None))
    return entries


def diff(before, after, path=""):
    """Changed leaves as dotted paths; lists of equal length are compared item by item."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(set(before) | set(after)):
            found += diff(before.get(key), after.get(key), f"{path}.{key}" if path else key)
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = []
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            found += diff(old, new, f"{path}[{index}]")
        return found
    return [] if before == after else [Change(path, before, after)]
