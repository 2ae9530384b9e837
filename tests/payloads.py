"""RestaurantInfo fixtures for the tests, and the comparison the round trip promises."""

import copy
import json
from pathlib import Path

FIXTURES = Path(__file__).parent / "restaurants" / "fixtures"


def load_payload(name):
    """A fresh copy of tests/restaurants/fixtures/<name>.json."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def pruned(value):
    """The payload with nulls and then-empty objects left out.

    The portal promises equality up to key order and absent-versus-null.
    """
    if isinstance(value, dict):
        items = ((key, pruned(item)) for key, item in value.items())
        return {key: item for key, item in items if item is not None and item != {}}
    if isinstance(value, list):
        return [pruned(item) for item in value]
    return value


def with_change(payload, path, value):
    """A deep copy of payload with the value at a dotted path replaced."""
    changed = copy.deepcopy(payload)
    *parents, last = path.split(".")
    target = changed
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return changed
