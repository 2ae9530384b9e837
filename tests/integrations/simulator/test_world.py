"""The generated world is realistic and deterministic, and the portal accepts every restaurant."""

import dataclasses
import json
import math
import tracemalloc
import zoneinfo

import polyline

from integrations.simulator import SimulatorConfig, state_file
from integrations.simulator.world import World
from restaurants.delivery_map import contains
from restaurants.restaurant_info import parse
from restaurants.validators import decode_delivery_area

WORLD = World.generate(seed=11, restaurants=300, groups=6)


def test_every_restaurant_passes_the_portals_own_validation():
    for info in WORLD.restaurants.values():
        parse(info)


def test_time_zones_coordinates_and_delivery_polygons():
    for info in WORLD.restaurants.values():
        zoneinfo.ZoneInfo(info["general"]["timeZone"])
        location = info["location"]
        assert -90 <= location["latitude"] <= 90 and -180 <= location["longitude"] <= 180
        area = info["delivery"]["area"]
        if area:
            points = polyline.decode(area)
            assert len(points) >= 6
            decode_delivery_area(area)
            assert contains(points, (location["latitude"], location["longitude"]))


def test_schedules_week_references_and_overnight_services():
    overnight = closed = 0
    for info in WORLD.restaurants.values():
        schedules = info["schedules"]
        for day, key in schedules["weekSchedule"].items():
            closed += key is None
            assert key is None or key in schedules["daySchedules"], day
        closeout = info["general"]["closeoutHour"]
        for day in schedules["daySchedules"].values():
            assert len(day["services"]) >= 2
            for service in day["services"]:
                if service["overnight"]:
                    overnight += 1
                    end_hour = int(service["hours"]["endTime"][:2])
                    assert end_hour < closeout  # ends in the same business day
    assert overnight and closed


def test_variety_and_every_field_present_somewhere():
    infos = list(WORLD.restaurants.values())
    assert len({i["location"]["city"] for i in infos}) >= 8
    assert {True, False} <= {i["delivery"]["enabled"] for i in infos}
    assert {True, False} <= {i["onlineOrdering"]["enabled"] for i in infos}
    assert any(i["general"]["archived"] for i in infos)
    assert any(not c.connected for c in WORLD.connections.values())
    assert len(WORLD.restaurants) > len(WORLD.connections)  # prospects exist
    for section in ("general", "urls", "location", "delivery", "onlineOrdering", "prepTimes"):
        keys = set().union(*(i[section] for i in infos))
        values = {k: [i[section][k] for i in infos if i[section].get(k) is not None] for k in keys}
        assert all(values.values()), f"{section}: some field is never set"


def test_same_seed_same_world_and_another_seed_another():
    again = World.generate(seed=11, restaurants=300, groups=6)
    assert again.restaurants == WORLD.restaurants
    other = World.generate(seed=12, restaurants=300, groups=6)
    assert set(other.restaurants).isdisjoint(WORLD.restaurants)


def test_config_defaults_match_the_platform():
    config = SimulatorConfig()
    assert (config.rate_per_second, config.rate_per_window, config.rate_window_seconds) == (
        20,
        10_000,
        900,
    )
    assert math.isclose(config.token_ttl, 86400)


def test_a_restaurant_is_made_again_the_same_in_any_order_and_none_is_held():
    """The platform's whole size: any one restaurant is made on demand from the seed."""
    guids = list(WORLD.restaurants)
    again = World.generate(seed=11, restaurants=300, groups=6)
    backwards = {guid: again.restaurants[guid] for guid in reversed(guids)}
    assert backwards == {guid: WORLD.restaurants[guid] for guid in guids}
    assert json.loads(again.info_bytes(guids[7])) == WORLD.restaurants[guids[7]]
    assert again.edited == {}


def test_generating_keeps_the_index_and_the_connections_not_the_payloads():
    # Each RestaurantInfo held took about 10 KB: 150,000 of them came near 2 GiB.
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        world = World.generate(seed=3, restaurants=3000, groups=60)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(world.restaurants) == 3000
    assert held / 3000 < 1500, f"{held / 3000:.0f} bytes a restaurant"


def test_a_change_is_kept_and_a_version_1_state_file_still_loads(tmp_path):
    world = World.generate(seed=5, restaurants=40, groups=2)
    guid = next(iter(world.connections))
    world.change(guid)
    world.remove(guid)
    changed = world.restaurants[guid]
    kept = World.from_state(json.loads(json.dumps(world.state())))
    assert kept.restaurants[guid] == changed and not kept.is_connected(guid)
    assert set(kept.restaurants) == set(world.restaurants)

    version_1 = {
        "seed": 5,
        "rng": world.state()["rng"],
        "restaurants": {g: world.restaurants[g] for g in world.restaurants},
        "groups": world.groups,
        "connections": {g: dataclasses.asdict(c) for g, c in world.connections.items()},
    }
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 1, "world": version_1}))
    old = state_file.load(path)
    assert old.overview() == world.overview()
    assert old.restaurants[guid] == changed
