"""The generated world is realistic and deterministic, and the portal accepts every restaurant."""

import math
import zoneinfo

import polyline

from integrations.simulator import SimulatorConfig
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
