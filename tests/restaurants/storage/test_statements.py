"""Rows converted by statements.Table hold what the ORM itself would send the database."""

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from restaurants import restaurant_info
from restaurants.storage.rows import DAY_SCHEDULES, RESTAURANTS, SERVICES, SNAPSHOTS
from tests.payloads import load_payload

pytestmark = pytest.mark.django_db

AWARE = datetime.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=datetime.UTC)
NAIVE = datetime.datetime(2026, 3, 29, 1, 30, 15)


def orm_row(table, values):
    """The ORM's own conversion of each value, field by field."""
    return tuple(
        field.get_db_prep_save(
            values[field.name] if field.name in values else field.get_default(), connection
        )
        for field in table.fields
    )


def parsed_rows():
    parsed = restaurant_info.parse(load_payload("restaurant_full"))
    guid = parsed.guid
    restaurant = {"guid": guid, **parsed.values, "last_fetched_at": AWARE, "last_error_at": None}
    schedules = [
        {"restaurant": guid, "key": day.key, "position": day.position, **day.values}
        for day in parsed.day_schedules
    ]
    services = [
        {"position": position, "day_schedule": 7, **service}
        for day in parsed.day_schedules
        for position, service in enumerate(day.services)
    ]
    assert schedules and services  # the fixture exercises every table
    snapshot = {"restaurant": guid, "fetched_at": AWARE, "source": "api", "sha256": "0" * 64}
    return (
        [(RESTAURANTS, restaurant)]
        + [(DAY_SCHEDULES, values) for values in schedules]
        + [(SERVICES, values) for values in services]
        + [(SNAPSHOTS, snapshot)]
    )


def test_a_parsed_payload_converts_as_the_orm_converts_it():
    for table, values in parsed_rows():
        for moment in ("first_seen_at", "stage_since"):  # a default of now() differs by the call
            values.setdefault(moment, AWARE)
        assert table.row(values) == orm_row(table, values), table.name


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("last_fetched_at", AWARE),
        ("last_fetched_at", AWARE.astimezone(datetime.timezone(datetime.timedelta(hours=-5)))),
        ("last_fetched_at", None),
        ("first_business_date", datetime.date(2024, 2, 29)),
        ("management_group_guid", uuid.UUID("7f4e2c1a-0000-4000-8000-00000000abcd")),
        ("management_group_guid", None),
        ("latitude", -33.5),
        ("closeout_hour", 4),
        ("archived", False),
        ("name", ""),
    ],
)
def test_each_kind_of_value_converts_as_the_orm_converts_it(field, value):
    values = {"guid": uuid.uuid4(), "first_seen_at": AWARE, "stage_since": AWARE, field: value}
    assert RESTAURANTS.row(values) == orm_row(RESTAURANTS, values)


def test_a_naive_datetime_is_left_to_the_orm(settings):
    # The ORM warns and reads it in the current time zone; the shortcut must not differ.
    settings.TIME_ZONE = "America/New_York"
    timezone.activate("America/New_York")
    try:
        values = {
            "guid": uuid.uuid4(),
            "first_seen_at": AWARE,
            "stage_since": AWARE,
            "last_fetched_at": NAIVE,
        }
        with pytest.warns(RuntimeWarning, match="naive datetime"):
            expected = orm_row(RESTAURANTS, values)
        with pytest.warns(RuntimeWarning, match="naive datetime"):
            assert RESTAURANTS.row(values) == expected
    finally:
        timezone.deactivate()


def test_a_time_of_day_and_a_foreign_key_convert_as_the_orm_converts_them():
    values = {
        "restaurant": uuid.UUID("00000000-0000-0000-0000-000000000001"),
        "key": "lunch",
        "position": 0,
        "open_time": datetime.time(23, 59, 59, 999000),
        "close_time": None,
    }
    assert DAY_SCHEDULES.row(values) == orm_row(DAY_SCHEDULES, values)
