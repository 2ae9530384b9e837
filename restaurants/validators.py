"""Field rules for restaurant data, shared by the models and the payload parser."""

import re
import zoneinfo
from functools import lru_cache

import polyline
from django.core.exceptions import ValidationError

TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}$")
MIN_POLYGON_POINTS = 3


@lru_cache(maxsize=1)
def _time_zones():
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value and value not in _time_zones():
        raise ValidationError(f"{value!r} is not an IANA time zone", code="time_zone")


def validate_closeout_hour(value):
    if value is not None and not 0 <= value <= 12:
        raise ValidationError(f"{value!r} is not an hour from 0 to 12", code="closeout_hour")


def validate_latitude(value):
    if value is not None and not -90 <= value <= 90:
        raise ValidationError(f"{value!r} is not a latitude (-90 to 90)", code="latitude")


def validate_longitude(value):
    if value is not None and not -180 <= value <= 180:
        raise ValidationError(f"{value!r} is not a longitude (-180 to 180)", code="longitude")


def validate_non_negative(value):
    if value is not None and value < 0:
        raise ValidationError(f"{value!r} is negative", code="negative")


def validate_time(value):
    if value is not None and not TIME_PATTERN.match(value):
        raise ValidationError(f"{value!r} is not a time of day as HH:MM:SS.mmm", code="time")


def decode_delivery_area(value):
    """The polygon's (lat, lng) points, or ValidationError if it is not one."""
    try:
        points = polyline.decode(value)
    except Exception as exc:
        raise ValidationError(
            f"{_shorten(value)!r} is not an encoded polyline ({type(exc).__name__})",
            code="polyline",
        ) from exc
    if len(set(points)) < MIN_POLYGON_POINTS:
        raise ValidationError(
            f"{_shorten(value)!r} decodes to {len(set(points))} distinct points;"
            f" a delivery area needs at least {MIN_POLYGON_POINTS}",
            code="polyline",
        )
    for lat, lng in points:
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationError(
                f"{_shorten(value)!r} decodes to an impossible point ({lat}, {lng})",
                code="polyline",
            )
    return points


def validate_delivery_area(value):
    if value:
        decode_delivery_area(value)


def _shorten(text, limit=60):
    return text if len(text) <= limit else text[: limit - 1] + "…"
