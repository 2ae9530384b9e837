"""A poll applies its records in batches (lifecycle.apply_listed_many) by the same rules
as one at a time: the order of partner events, re-activation, stale records, records
listed twice and records out of format; in a number of statements that does not grow
with the batch."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.models import PollState
from integrations.sync import lifecycle, polling
from restaurants.models import Connection, Restaurant

pytestmark = pytest.mark.django_db

NOW = timezone.now()  # when the poll reading these records started
BEFORE = lifecycle.Moment(NOW - datetime.timedelta(days=1))
LATER = lifecycle.Moment(NOW + datetime.timedelta(hours=1))  # e.g. a webhook since the poll
COMPARED = [
    f.name
    for f in Connection._meta.fields
    if f.name not in ("updated_at", "connected_at", "removed_at")
]


def guid(n):
    return str(uuid.UUID(int=n))


def record(n, name="Main Street Cafe"):
    return {"restaurantGuid": guid(n), "restaurantName": name, "modifiedDate": 1700000000000 + n}


def _world():
    """Connections 2 (listed again as it is), 3 (renamed), 4 (removed), 5 (held by a
    later record); 1 and 6 are new, 6 listed twice; and one record out of format."""
    for n in (2, 3, 4, 5):
        lifecycle.apply_partner_record(record(n), moment=BEFORE)
    removal = lifecycle.Moment(BEFORE.at + datetime.timedelta(seconds=1))
    lifecycle.apply_partner_record(record(4), moment=removal, removed=True)
    lifecycle.apply_partner_record(record(5, "Newer"), moment=LATER)
    return [
        record(1),
        record(2),
        record(3, "Renamed"),
        record(4),
        record(5, "Older"),
        {"restaurantGuid": "not a guid"},
        record(6),
        record(6, "Listed twice"),
    ]


def _one_at_a_time(records):
    changes = []
    for listed in records:
        try:
            changes.append(lifecycle.apply_listed(listed, NOW))
        except lifecycle.RecordError:
            continue
    return changes


def _rows():
    return list(Connection.objects.order_by("restaurant_id").values(*COMPARED))


def test_a_batch_applies_each_record_as_one_at_a_time_would():
    singles = [(c.guid, c.kind) for c in _one_at_a_time(_world())]
    single_rows = _rows()
    Connection.objects.all().delete()

    changes, problems = lifecycle.apply_listed_many(_world(), NOW)

    assert sorted((c.guid, c.kind) for c in changes) == sorted(singles)
    assert dict((c.guid, c.kind) for c in changes[:5]) == {
        guid(1): lifecycle.ADDED,
        guid(2): lifecycle.UNCHANGED,
        guid(3): lifecycle.UPDATED,
        guid(4): lifecycle.REACTIVATED,
        guid(5): lifecycle.STALE,
    }
    assert [c.kind for c in changes if c.guid == guid(6)] == [lifecycle.ADDED, lifecycle.STALE]
    assert problems == ["restaurantGuid: 'not a guid' is not a GUID"]
    assert _rows() == single_rows
    assert Connection.objects.get(pk=guid(5)).restaurant_name == "Newer"
    # The status the list filters on follows the records (4 was removed, connected again).
    stored = {
        str(pk): status for pk, status in Restaurant.objects.values_list("pk", "connection_status")
    }
    assert stored == {str(c.restaurant_id): c.status for c in Connection.objects.all()}
    assert stored[guid(4)] == Connection.Status.CONNECTED


class PartnersAnswer:
    def __init__(self, records):
        self.records = records

    def connected_restaurants(self, last_modified=None):
        return iter(self.records)


def _poll_queries(first, count):
    """The statements of a full read listing `count` restaurants from number `first`: a
    third new, the others known, two in three of them renamed."""
    numbers = range(first, first + count)
    known = numbers[: 2 * count // 3]
    for n in known:
        lifecycle.apply_partner_record(record(n), moment=BEFORE)
    listed = [record(n, "Renamed" if n % 3 else "Main Street Cafe") for n in numbers]
    with CaptureQueriesContext(connection) as queries:
        changes = polling.poll(PartnersAnswer(listed), full=True)
    Connection.objects.all().delete()
    assert len(changes) == sum(1 for n in numbers if n not in known or n % 3)
    return len(queries)


def test_a_poll_runs_the_same_statements_for_6_records_as_for_12():
    # One at a time it took 5 or 6 statements a record. (Not more than 12: SQLite's
    # bound on a statement's parameters splits a bulk insert of 18 restaurants.)
    PollState.current()  # made by the first poll
    assert _poll_queries(1000, 6) == _poll_queries(2000, 12)


def test_a_full_read_removes_the_unlisted_in_batches(monkeypatch):
    monkeypatch.setattr(lifecycle, "BATCH", 2)
    for n in range(1, 8):
        lifecycle.apply_partner_record(record(n), moment=BEFORE)

    changes = polling.poll(PartnersAnswer([record(1), record(5)]), full=True)

    removed = {c.guid for c in changes if c.kind == lifecycle.REMOVED}
    assert removed == {guid(n) for n in (2, 3, 4, 6, 7)}
    assert set(Connection.objects.connected().values_list("pk", flat=True)) == {
        uuid.UUID(guid(1)),
        uuid.UUID(guid(5)),
    }
