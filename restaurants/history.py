"""What changed between snapshots, field by field."""

import itertools
from dataclasses import dataclass

HISTORY_LENGTH = 20


@dataclass(frozen=True)
class Change:
    path: str
    before: object
    after: object


def changes(snapshots):
    """(snapshot, [Change]) pairs, newest first, each against the snapshot before it.

    `snapshots` come newest first; the last one has no predecessor in the list.
    """
    rows = []
    for newer, older in itertools.pairwise(snapshots):
        rows.append((newer, diff(older.payload, newer.payload)))
    if snapshots:
        rows.append((snapshots[-1], None))  # the first we have: nothing to compare with
    return rows


def diff(before, after, path=""):
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
