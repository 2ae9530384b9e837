"""The simulator's world in a file, so a restart (every `make run`) meets the platform
the portal last saw: a restaurant connected or removed by hand stays so.

It holds the seed, the size and what the control interface changed (restaurants
changed or created, connections touched): the rest is made again from the seed.
Rewritten whole after each change (a few KB whatever the size); a new file
replaces the old in one rename, so a stop in the middle of a write leaves the
previous world.
"""

import json
import os
from pathlib import Path

from .world import World

VERSION = 2  # 2: the seed, the size and what changed since, not every restaurant


class StateFileError(Exception):
    """A state file that is not one this simulator wrote."""


def load(path: Path) -> World | None:
    """The world kept in `path`, or None when there is no such file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
        if data.get("version") == 1:
            return World.from_version_1(data["world"])
        if data.get("version") != VERSION:
            raise StateFileError(f"version {data.get('version')!r}, not {VERSION}")
        return World.from_state(data["world"])
    except (ValueError, KeyError, TypeError, AttributeError, StateFileError) as exc:
        raise StateFileError(f"{path} is not a simulator state file ({exc})") from exc


def save(world: World, path: Path) -> None:
    partial = path.with_name(f".{path.name}.partial")
    with open(partial, "w", encoding="utf-8") as out:
        json.dump({"version": VERSION, "world": world.state()}, out)
    os.replace(partial, path)


def keep(world: World, path: Path) -> None:
    """Saves `world` now and after each of its changes."""
    save(world, path)
    world.on_change = lambda changed: save(changed, path)
