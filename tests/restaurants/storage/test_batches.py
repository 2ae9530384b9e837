"""Restaurants handed to a BatchWriter and freshness stamps written later, many at once."""

import threading
import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from restaurants.ingest import apply_restaurant_info
from restaurants.models import Restaurant, Snapshot
from restaurants.storage import BatchWriter, FreshnessStamps, Outcome, WriterStopped, batches
from restaurants.storage.rows import SNAPSHOTS, write_all
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


def submit(writer, *payloads):
    for submitted in payloads:
        writer.submit(submitted["guid"], submitted)
    writer.close()


def test_every_handed_over_restaurant_is_stored_and_reported():
    apply_restaurant_info(payload(1, "Before"))
    apply_restaurant_info(payload(4, "Same"))
    heard = Heard()

    submit(
        BatchWriter(heard, ingest=apply_restaurant_info),
        *(payload(n, "After") for n in (1, 2, 3)),
        payload(4, "Same"),
    )

    assert heard.outcomes == {
        payload(1)["guid"]: Outcome.CHANGED,
        payload(2)["guid"]: Outcome.CREATED,
        payload(3)["guid"]: Outcome.CREATED,
        payload(4)["guid"]: Outcome.UNCHANGED,
    }
    assert set(Restaurant.objects.values_list("name", flat=True)) == {"After", "Same"}
    assert Snapshot.objects.count() == 5


def test_a_refused_payload_is_reported_and_recorded_and_the_others_are_stored():
    apply_restaurant_info(payload(1, "Last good"))
    refused = with_change(payload(1), "location.latitude", 91)
    heard = Heard()

    submit(BatchWriter(heard, ingest=apply_restaurant_info), refused, payload(2))

    assert heard.outcomes == {payload(1)["guid"]: Outcome.REFUSED, payload(2)["guid"]: "created"}
    kept = Restaurant.objects.get(pk=payload(1)["guid"])
    assert kept.name == "Last good"
    assert kept.last_error.startswith("Refused payload: location.latitude")


def test_unchanged_restaurants_are_stamped_fresh_only_with_the_other_stamps():
    apply_restaurant_info(payload(1))
    before = Restaurant.objects.get(pk=payload(1)["guid"])
    stamps, heard = FreshnessStamps(), Heard()

    writer = BatchWriter(heard, ingest=apply_restaurant_info, stamps=stamps)
    writer.submit(payload(1)["guid"], payload(1), before.content_sha256)
    writer.close()

    assert heard.outcomes == {payload(1)["guid"]: Outcome.UNCHANGED}
    assert Restaurant.objects.get(pk=before.pk).last_fetched_at == before.last_fetched_at
    stamps.write()
    assert Restaurant.objects.get(pk=before.pk).last_fetched_at > before.last_fetched_at


def statements_to_write(count):
    writes = []
    for n in range(count):
        apply_restaurant_info(payload(n, "Before"))
        apply_restaurant_info(payload(n, "After"), defer=writes.append)  # held back
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

    def break_the_second(submitted, defer, **kwargs):
        def broken(write):
            if write.guid == uuid.UUID(payload(2)["guid"]):
                # A snapshot of a restaurant that does not exist: the database
                # refuses the foreign key when the transaction commits.
                at = SNAPSHOTS.position("restaurant")
                missing = SNAPSHOTS.key("restaurant", uuid.uuid4())
                write.snapshot = (*write.snapshot[:at], missing, *write.snapshot[at + 1 :])
            defer(write)

        return apply_restaurant_info(submitted, defer=broken, **kwargs)

    submit(BatchWriter(heard, ingest=break_the_second), *(payload(n, "New") for n in (1, 2, 3)))

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


def test_a_restaurant_the_database_fails_while_it_is_checked_is_reported_alone():
    heard = Heard()

    def failing_for_the_second(submitted, **kwargs):
        if submitted["guid"] == payload(2)["guid"]:
            raise DatabaseError("disk I/O error")
        return apply_restaurant_info(submitted, **kwargs)

    submit(BatchWriter(heard, ingest=failing_for_the_second), *(payload(n) for n in (1, 2, 3)))

    assert heard.outcomes[payload(2)["guid"]] == Outcome.REFUSED
    assert heard.outcomes[payload(1)["guid"]] == heard.outcomes[payload(3)["guid"]] == "created"
    # Two stored (the failed one is only a row with its error, no data or snapshot).
    assert Snapshot.objects.count() == 2
    failed = Restaurant.objects.get(pk=payload(2)["guid"])
    assert failed.last_error == "Could not check the payload: disk I/O error"
    assert failed.name is None


def test_the_fetch_side_waits_while_the_writer_is_behind(monkeypatch):
    monkeypatch.setattr(batches, "MAX_BATCH", 1)
    monkeypatch.setattr(batches, "MAX_WAITING", 2)
    go_on = threading.Event()

    def slow(submitted, **kwargs):
        go_on.wait(10)  # a database far slower than the platform
        return apply_restaurant_info(submitted, **kwargs)

    heard = Heard()
    writer = BatchWriter(heard, ingest=slow)
    fetching = threading.Thread(
        target=lambda: [writer.submit(p["guid"], p) for p in map(payload, range(10))]
    )
    fetching.start()
    fetching.join(0.5)
    waiting = writer.queue.qsize()
    blocked = fetching.is_alive()
    go_on.set()
    fetching.join(10)
    writer.close()

    assert blocked and waiting == 2  # the writer has 1, 2 wait, 7 are not fetched yet
    assert Restaurant.objects.count() == 10 and len(heard.outcomes) == 10


def test_a_stopped_writer_refuses_more_restaurants_instead_of_hanging(monkeypatch, caplog):
    def database_down(self, items):
        raise DatabaseError("the database is gone")

    monkeypatch.setattr(BatchWriter, "_prepare", database_down)
    writer = BatchWriter(Heard(), ingest=apply_restaurant_info)
    writer.submit(payload(1)["guid"], payload(1))
    writer.thread.join(5)

    assert "restaurant-writer stopped: what it held is not stored" in caplog.text

    with pytest.raises(WriterStopped):
        writer.submit(payload(2)["guid"], payload(2))
    writer.close()  # returns: nothing left to wait for
