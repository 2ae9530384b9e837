"""Delivery-area geometry: area on the sphere, point in polygon, and unreadable areas."""

import math
from types import SimpleNamespace

import polyline
import pytest

from restaurants.delivery_map import EARTH_RADIUS_KM, area_km2, contains, delivery_area

SQUARE = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)]


def test_area_of_a_one_degree_cell_at_the_equator():
    # Exact area of a latitude/longitude cell: R² · Δλ · (sin φ2 - sin φ1).
    exact = EARTH_RADIUS_KM**2 * math.radians(1) * math.sin(math.radians(1))
    assert area_km2(SQUARE) == pytest.approx(exact, rel=1e-3)
    assert area_km2(SQUARE[::-1]) == pytest.approx(exact, rel=1e-3)  # either winding


def test_area_shrinks_towards_the_poles():
    north = [(lat + 60, lng) for lat, lng in SQUARE]
    assert area_km2(north) == pytest.approx(area_km2(SQUARE) * math.cos(math.radians(60.5)), 1e-2)


def test_area_of_a_city_sized_polygon():
    # A 2 km by 2 km square around Cambridge, MA, in degrees.
    dlat = 2 / 111.2
    dlng = 2 / (111.2 * math.cos(math.radians(42.37)))
    box = [
        (42.37, -71.12),
        (42.37 + dlat, -71.12),
        (42.37 + dlat, -71.12 + dlng),
        (42.37, -71.12 + dlng),
    ]
    assert area_km2(box) == pytest.approx(4.0, rel=0.01)


def test_a_closing_point_does_not_change_the_area():
    assert area_km2([*SQUARE, SQUARE[0]]) == pytest.approx(area_km2(SQUARE))


@pytest.mark.parametrize(
    "point, inside", [((0.5, 0.5), True), ((1.5, 0.5), False), ((0.5, -0.1), False)]
)
def test_a_point_is_inside_the_area_or_not(point, inside):
    assert contains(SQUARE, point) is inside


def _restaurant(**values):
    base = {"delivery_enabled": True, "delivery_area": polyline.encode(SQUARE)}
    return SimpleNamespace(**{"latitude": 0.5, "longitude": 0.5, **base, **values})


@pytest.mark.parametrize(
    "values, message",
    [
        ({"delivery_enabled": False}, "does not deliver"),
        ({"delivery_enabled": None}, "sent no delivery settings"),  # no delivery section
        ({"delivery_area": ""}, "sent no delivery area"),
        ({"delivery_area": "not a polyline at all"}, "could not be read"),
        ({"delivery_area": polyline.encode([(0, 0), (1, 1)])}, "could not be read"),
        ({"delivery_area": polyline.encode([(0, 0), (95, 1), (1, 1)])}, "could not be read"),
    ],
)
def test_no_map_and_a_reason(values, message):
    area, reason = delivery_area(_restaurant(**values))
    assert area is None and message in reason


def test_the_area_knows_whether_the_restaurant_is_inside():
    area, _ = delivery_area(_restaurant())
    assert area.contains_restaurant is True and len(area.points) == 4
    assert delivery_area(_restaurant(latitude=5.0))[0].contains_restaurant is False
    assert delivery_area(_restaurant(latitude=None))[0].contains_restaurant is None
