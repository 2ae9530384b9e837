"""A drain applies a run of webhook events together (lifecycle.apply_events_many) by the
same rules as one at a time: arrival order within the run, several events of one
restaurant, removals and re-activations, stale events, records out of format; in a
number of statements that does not grow with the run."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.sync import lifecycle
from restaurants import connection_events
from restaurants.models import Connection, TimelineEntry

pytestmark = pytest.mark.django_db

START = timezone.now() - datetime.timedelta(hours=1)
COMPARED = [
    f.name
    for f in Connection._meta.fields
    if f.name not in ("updated_at", "connected_at", "removed_at")  # the instant it ran
]


def guid(n):
    return str(uuid.UUID(int=n))


def record(n, name="Main Street Cafe"):
    return {"restaurantGuid": guid(n), "restaurantName": name, "modifiedDate": 1700000000000 + n}


def at(minutes, rank):
    return lifecycle.Moment(START + datetime.timedelta(minutes=minutes), rank)


def _world():
    """Connections 2 (connected), 3 (removed) and 4 (held by a later event) before the
    run; then the run, in arrival order."""
    lifecycle.apply_partner_record(record(2), moment=at(0, 1))
    lifecycle.apply_partner_record(record(3), moment=at(0, 2))
    lifecycle.apply_partner_record(record(3), moment=at(1, 3), removed=True)
    lifecycle.apply_partner_record(record(4, "Newer"), moment=at(30, 4))
    return [
        (record(1), at(10, 10), False),  # new
        (record(1, "Renamed at once"), at(11, 11), False),  # the same, in the same run
        (record(2, "Renamed"), at(10, 12), False),
        (record(3), at(10, 13), False),  # re-activated
        (record(4, "Older"), at(10, 14), False),  # stale
        ({"restaurantGuid": "not a guid"}, at(10, 15), False),
        (record(5), at(10, 16), True),  # a removal never seen connected
        (record(2, "Renamed"), at(9, 17), False),  # older than the rename: stale
        (record(1), at(12, 18), True),  # removed after its two events
    ]


def _one_at_a_time(events, effects):
    results = []
    for rec, moment, removed in events:
        try:
            results.append(
                lifecycle.apply_partner_record(rec, moment=moment, removed=removed, effects=effects)
            )
        except lifecycle.RecordError as exc:
            results.append(exc)
    return results


def _outcome(results, effects):
    kinds = [r.kind if isinstance(r, lifecycle.Change) else str(r) for r in results]
    rows = list(Connection.objects.order_by("restaurant_id").values(*COMPARED))
    return kinds, rows, [(str(e.guid), e.kind, e.fields) for e in effects]


def test_a_run_applies_each_event_as_one_at_a_time_would():
    singles_effects = []
    singles = _outcome(_one_at_a_time(_world(), singles_effects), singles_effects)
    Connection.objects.all().delete()

    effects = []
    together = _outcome(lifecycle.apply_events_many(_world(), effects), effects)

    assert together == singles
    kinds = together[0]
    assert kinds[:5] == ["added", "updated", "updated", "reactivated", "stale"]
    assert kinds[5] == "restaurantGuid: 'not a guid' is not a GUID"
    assert kinds[6:] == ["removed", "stale", "removed"]
    assert Connection.objects.get(pk=guid(4)).restaurant_name == "Newer"


def test_what_a_run_leaves_behind_is_recorded_once_for_each_change():
    effects = []
    lifecycle.apply_events_many(_world(), effects)
    connection_events.applied_many(effects)

    actions = TimelineEntry.objects.filter(restaurant_id=guid(1), kind=TimelineEntry.Kind.PLATFORM)
    assert list(actions.order_by("id").values_list("action", flat=True)) == [
        "added",
        "updated",
        "removed",
    ]


def _statements(first, count):
    """The statements of a run of `count` events from restaurant number `first`: a
    third new, the others known and renamed."""
    numbers = range(first, first + count)
    for n in numbers[: 2 * count // 3]:
        lifecycle.apply_partner_record(record(n), moment=at(0, n))
    events = [(record(n, "Renamed"), at(10, 1000 + n), False) for n in numbers]
    with CaptureQueriesContext(connection) as queries:
        lifecycle.apply_events_many(events, [])
    return len(queries)


def test_a_run_of_12_events_takes_the_statements_of_a_run_of_6():
    # One at a time it took 5 or 6 statements an event.
    assert _statements(100, 6) == _statements(200, 12)
