"""statements.Table.insert stores every kind of value exactly as given (on PostgreSQL it
sends the rows as one JSON document, cast back column by column)."""

import datetime
import math
import uuid

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from restaurants import restaurant_info
from restaurants.models import Restaurant, Snapshot
from restaurants.storage.rows import RESTAURANTS, SNAPSHOTS
from restaurants.storage.statements import Converted
from tests.payloads import load_payload

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=datetime.UTC)
HOSTILE = 'O\'Brien "Taquería" \\ 🌮 -> ->> %s %(x)s ; DROP TABLE x; --\n\t</script>'
VALUES = {
    "name": HOSTILE,
    "location_name": "",
    "last_fetched_at": AT.astimezone(datetime.timezone(datetime.timedelta(hours=-5, minutes=-30))),
    "first_business_date": datetime.date(2024, 2, 29),
    "management_group_guid": uuid.UUID("7f4e2c1a-0000-4000-8000-00000000abcd"),
    "latitude": 0.1 + 0.2,
    "longitude": -1e-300,
    "delivery_minimum": 1e300,
    "closeout_hour": 23,
    "archived": True,
    "availability_webhook_id": 2**63 - 1,
    "time_to_live": datetime.timedelta(days=-1, seconds=3, microseconds=7),
    "last_error_at": None,
}


def _insert(*values, or_update=()):
    rows = [RESTAURANTS.row({"first_seen_at": AT, "stage_since": AT, **row}) for row in values]
    with transaction.atomic(), connection.cursor() as cursor:
        RESTAURANTS.insert(cursor, rows, or_update=or_update)


def _stored(guid):
    return Restaurant.objects.values(*VALUES).get(pk=guid)


def test_every_kind_of_value_reads_back_as_it_was_given():
    guid = uuid.uuid4()
    _insert({"guid": guid, **VALUES})
    assert _stored(guid) == VALUES


def test_an_existing_row_gets_the_named_fields_and_keeps_the_others():
    guid = uuid.uuid4()
    _insert({"guid": guid, "name": "Before", "location_name": "Kept"})
    _insert({"guid": guid, "name": HOSTILE, "location_name": "Ignored"}, or_update=["name"])
    assert Restaurant.objects.values_list("name", "location_name").get(pk=guid) == (
        HOSTILE,
        "Kept",
    )


def test_a_snapshots_payload_is_stored_as_the_json_it_was():
    guid = uuid.uuid4()
    _insert({"guid": guid})
    payload = '{"guid": "x", "name": "Caf\\u00e9 \\"Q\\"", "nested": [1, 2.5, null, true]}'
    row = SNAPSHOTS.row(
        {"restaurant": guid, "fetched_at": AT, "source": "api", "sha256": "0" * 64}
        | {"payload": Converted(payload)}
    )
    with transaction.atomic(), connection.cursor() as cursor:
        SNAPSHOTS.insert(cursor, [row])
    stored = Snapshot.objects.get(restaurant=guid)
    assert stored.payload == {"guid": "x", "name": 'Café "Q"', "nested": [1, 2.5, None, True]}
    assert (stored.fetched_at, stored.sha256) == (AT, "0" * 64)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite stores NaN as NULL")
def test_a_value_json_cannot_carry_is_stored_all_the_same():
    guid = uuid.uuid4()
    _insert({"guid": guid, "latitude": math.nan, "longitude": math.inf})
    latitude, longitude = Restaurant.objects.values_list("latitude", "longitude").get(pk=guid)
    assert math.isnan(latitude) and longitude == math.inf


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps any length")
def test_a_value_too_long_for_its_column_fails_instead_of_being_cut_short():
    with pytest.raises(DataError):
        _insert({"guid": uuid.uuid4(), "availability": "x" * 9})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's one-document path")
def test_a_batch_of_full_payloads_is_one_statement_of_one_parameter():
    # A value the JSON document could not carry would silently take the slower
    # parameter path (one parameter a value): a full payload's rows must not.
    parsed = restaurant_info.parse(load_payload("restaurant_full"))
    values = {**parsed.values, "last_fetched_at": AT, "time_to_live": datetime.timedelta(days=3)}
    rows = [{"guid": uuid.uuid4(), **values} for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        _insert(*rows)
    inserts = [query["sql"] for query in queries if query["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "jsonb_array_elements" in inserts[0]
    assert Restaurant.objects.filter(pk__in=[row["guid"] for row in rows]).count() == 3
