"""Writes handed to a BatchWriter and freshness stamps written later, many at once."""

import uuid
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from restaurants.ingest import (
    SNAPSHOTS,
    FreshnessStamps,
    Outcome,
    apply_restaurant_info,
    write_all,
)
from restaurants.models import Restaurant, Snapshot
from restaurants.write_batches import BatchWriter
from tests.payloads import load_payload, with_change

# The writer works in a thread of its own, on a connection of its own.
pytestmark = pytest.mark.django_db(transaction=True)


def payload(index, name="Bistro"):
    changed = with_change(load_payload("restaurant_full"), "general.name", name)
    changed["guid"] = f"00000000-0000-0000-0000-{index:012d}"
    return changed


class Heard:
    def __init__(self):
        self.outcomes = {}

    def __call__(self, guid, status):
        self.outcomes[str(guid)] = status


def test_every_handed_over_restaurant_is_stored_and_reported():
    apply_restaurant_info(payload(1, "Before"))
    heard = Heard()
    writer = BatchWriter(heard)

    queued = [apply_restaurant_info(payload(n, "After"), writer=writer) for n in (1, 2, 3)]
    writer.close()

    assert {outcome.status for outcome in queued} == {Outcome.QUEUED}
    assert heard.outcomes == {
        payload(1)["guid"]: Outcome.CHANGED,
        payload(2)["guid"]: Outcome.CREATED,
        payload(3)["guid"]: Outcome.CREATED,
    }
    assert set(Restaurant.objects.values_list("name", flat=True)) == {"After"}
    assert Snapshot.objects.count() == 4


def statements_to_write(count):
    writes = []
    writer = SimpleNamespace(submit=writes.append)  # holds the prepared writes back
    for n in range(count):
        apply_restaurant_info(payload(n, "Before"))
        apply_restaurant_info(payload(n, "After"), writer=writer)
    with (
        transaction.atomic(),
        CaptureQueriesContext(connection) as captured,
        connection.cursor() as cursor,  # opened while capturing, so its queries count
    ):
        write_all(cursor, writes)
    return len(captured.captured_queries)


def test_a_batch_of_five_restaurants_takes_as_many_statements_as_one():
    one = statements_to_write(1)
    Restaurant.objects.all().delete()
    assert one > 0

    assert statements_to_write(5) == one
    assert set(Restaurant.objects.values_list("name", flat=True)) == {"After"}


def test_a_restaurant_the_database_refuses_fails_alone_and_keeps_its_last_good_data():
    apply_restaurant_info(payload(2, "Last good"))
    heard = Heard()
    writer = BatchWriter(heard)
    held = []
    writer.submit = held.append  # hold the writes back to break one before they run
    for n in (1, 2, 3):
        apply_restaurant_info(payload(n, "New"), writer=writer)
    broken = held[1]
    # A snapshot of a restaurant that does not exist: the database refuses the
    # foreign key when the transaction commits.
    at = SNAPSHOTS.position("restaurant")
    missing = SNAPSHOTS.key("restaurant", uuid.uuid4())
    broken.snapshot = (*broken.snapshot[:at], missing, *broken.snapshot[at + 1 :])
    for write in held:
        writer.queue.put(write)
    writer.close()

    assert heard.outcomes[payload(2)["guid"]] == Outcome.REFUSED
    assert heard.outcomes[payload(1)["guid"]] == heard.outcomes[payload(3)["guid"]] == "created"
    kept = Restaurant.objects.get(pk=payload(2)["guid"])
    assert kept.name == "Last good"
    assert kept.last_error.startswith("Could not store the payload")
    assert Restaurant.objects.filter(name="New").count() == 2


def test_stamps_are_written_together_except_for_a_restaurant_changed_in_between():
    for n in (1, 2):
        apply_restaurant_info(payload(n))
    stored = dict(Restaurant.objects.values_list("pk", "content_sha256"))
    before = dict(Restaurant.objects.values_list("pk", "last_fetched_at"))
    stamps = FreshnessStamps()
    for n in (1, 2):
        guid = uuid.UUID(payload(n)["guid"])
        outcome = apply_restaurant_info(payload(n), stored_sha256=stored[guid], stamps=stamps)
        assert outcome.status == Outcome.UNCHANGED
    apply_restaurant_info(payload(2, "Imported meanwhile"))
    imported = Restaurant.objects.get(pk=payload(2)["guid"]).last_fetched_at

    stamps.write()

    after = dict(Restaurant.objects.values_list("pk", "last_fetched_at"))
    first, second = (uuid.UUID(payload(n)["guid"]) for n in (1, 2))
    assert after[first] > before[first]
    assert after[second] == imported
