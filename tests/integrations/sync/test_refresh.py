"""Discovery and refresh against the simulator: the portal fills up and stays true."""

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone
from django_q.brokers import get_broker

from integrations.models import RefreshClaim, SyncRun
from integrations.sync import discovery, refresh, runs
from integrations.sync.claims import ChunkClaims
from restaurants.models import Connection, DaySchedule, Restaurant, Snapshot
from restaurants.restaurant_info import export
from restaurants.storage import BatchWriter
from tests.payloads import pruned
from tests.platform import connected_guids, control, stats

pytestmark = pytest.mark.django_db(transaction=True)


def _discover(toast):
    run = runs.start(SyncRun.Kind.DISCOVER, SyncRun.Trigger.COMMAND)
    discovery.run_discovery(run.pk, client=toast, then_refresh=False)
    run.refresh_from_db()
    return run


def _refresh(toast, guids):
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.COMMAND, total=len(guids))
    counts = refresh.refresh_chunk(run.pk, guids, client=toast)
    run.refresh_from_db()
    return run, counts


def _connected():
    return [str(g) for g in Connection.objects.connected().values_list("pk", flat=True)]


def test_discovery_finds_connections_and_prospects(toast, sim):
    run = _discover(toast)
    assert run.status == SyncRun.Status.FINISHED
    assert sorted(_connected()) == sorted(connected_guids(sim, include_archived=True))
    world = control(sim, "GET", "restaurants")
    not_connected = {r["guid"] for r in world if r["access"] != "connected"}
    prospects = {str(g) for g in Restaurant.objects.prospects().values_list("pk", flat=True)}
    assert prospects and prospects <= not_connected


def test_a_discovery_run_counts_the_connections_it_read(toast, sim):
    """The dashboard showed "50/50" (changes and prospects together) the first time and
    0 unchanged after a rerun: n/m is the connections read, each changed or unchanged."""
    first = _discover(toast)
    read = Connection.objects.count()
    prospects = Restaurant.objects.prospects().count()
    figures = (first.done, first.total, first.changed, first.unchanged, first.prospects)
    assert figures == (read, read, read, 0, prospects) and prospects > 0
    again = _discover(toast)
    figures = (again.done, again.total, again.changed, again.unchanged, again.prospects)
    assert figures == (read, read, 0, read, 0)


def test_a_queued_discovery_that_fails_still_queues_a_refresh_of_the_known(toast, sim):
    _discover(toast)
    known = len(_connected())
    listings = ["/partners/v1/connectedRestaurants", "/partners/v1/restaurants"]
    control(sim, "PUT", "faults", json={"endpoint_status": dict.fromkeys(listings, 404)})
    run = runs.start(SyncRun.Kind.DISCOVER, SyncRun.Trigger.SCHEDULE)
    follow_up = discovery.run_discovery(run.pk, client=toast)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED and "answered 404" in run.error
    assert follow_up.kind == SyncRun.Kind.REFRESH and follow_up.total == known
    get_broker().purge_queue()


def test_refresh_stores_every_restaurant_as_the_platform_serves_it(toast, sim):
    _discover(toast)
    guids = _connected()
    run, counts = _refresh(toast, guids)
    assert counts == {"changed": len(guids)}
    assert (run.status, run.done, run.changed) == ("finished", len(guids), len(guids))
    for guid in guids[:3]:
        served = toast.restaurant_info(guid, include_archived=True)
        assert pruned(export(Restaurant.objects.get(pk=guid))) == pruned(served)


def test_unchanged_resync_writes_only_freshness(toast, sim):
    _discover(toast)
    guids = _connected()
    _refresh(toast, guids)
    fetched = dict(Restaurant.objects.filter(pk__in=guids).values_list("pk", "last_fetched_at"))
    before = (
        Snapshot.objects.count(),
        sorted(DaySchedule.objects.values_list("pk", flat=True)),
        dict(Restaurant.objects.values_list("pk", "last_changed_at")),
    )
    _, counts = _refresh(toast, guids)
    assert counts == {"unchanged": len(guids)}
    after = (
        Snapshot.objects.count(),
        sorted(DaySchedule.objects.values_list("pk", flat=True)),
        dict(Restaurant.objects.values_list("pk", "last_changed_at")),
    )
    assert after == before
    stamped = dict(Restaurant.objects.filter(pk__in=guids).values_list("pk", "last_fetched_at"))
    assert len(stamped) == len(guids)
    assert all(stamped[pk] > fetched[pk] for pk in fetched)


def test_a_change_on_the_platform_is_picked_up(toast, sim):
    _discover(toast)
    guids = _connected()
    _refresh(toast, guids)
    control(sim, "POST", f"restaurants/{guids[0]}/change")
    _, counts = _refresh(toast, guids)
    assert counts == {"changed": 1, "unchanged": len(guids) - 1}
    assert Snapshot.objects.filter(restaurant_id=guids[0]).count() == 2


def test_malformed_answers_keep_the_last_good_data(toast, sim):
    _discover(toast)
    guids = _connected()
    _refresh(toast, guids)
    good = {r.pk: r.content_sha256 for r in Restaurant.objects.filter(pk__in=guids)}
    control(sim, "POST", "stats/reset")
    control(sim, "PUT", "faults", json={"malformed_rate": 1.0})
    _, counts = _refresh(toast, guids)
    assert counts.get("failed", 0) >= len(guids) // 2
    for restaurant in Restaurant.objects.filter(pk__in=guids):
        assert restaurant.content_sha256 == good[restaurant.pk]
        if restaurant.last_error:
            assert restaurant.last_error_at is not None
    assert Restaurant.objects.filter(pk__in=guids).exclude(last_error="").count() == counts.get(
        "failed"
    )


def test_a_restaurant_being_refreshed_elsewhere_is_not_fetched_again(toast, sim):
    _discover(toast)
    guid = _connected()[0]
    RefreshClaim.objects.create(
        connection_id=guid, until=timezone.now() + timedelta(minutes=5), holder="other-host:1"
    )
    control(sim, "POST", "stats/reset")
    _, counts = _refresh(toast, [guid])
    assert counts == {"skipped": 1}
    assert stats(sim)["restaurant_requests"].get(guid, 0) == 0


def test_a_chunk_claims_its_restaurants_once_and_lets_every_one_go(toast, sim):
    _discover(toast)
    guids = _connected()
    first = ChunkClaims(guids[:3])
    second = ChunkClaims(guids)  # another chunk, even in the same process
    assert all(first.holds(g) for g in guids[:3])
    assert [g for g in guids if second.holds(g)] == guids[3:]
    first.release_all()
    second.release_all()
    RefreshClaim.objects.create(
        connection_id=guids[0], until=timezone.now() - timedelta(seconds=1), holder="other-host:1"
    )
    third = ChunkClaims(guids[:1])
    assert third.holds(guids[0])  # an expired claim is taken over
    third.release_all()
    _refresh(toast, guids)
    assert not RefreshClaim.objects.exclude(holder="").exists()
    assert not RefreshClaim.objects.filter(until__isnull=False).exists()


def test_removed_restaurant_is_skipped_and_keeps_its_data(toast, sim):
    _discover(toast)
    guids = _connected()
    _refresh(toast, guids)
    Connection.objects.filter(pk=guids[0]).update(status=Connection.Status.REMOVED)
    control(sim, "POST", "stats/reset")
    _, counts = _refresh(toast, guids)
    assert counts == {"skipped": 1, "unchanged": len(guids) - 1}
    assert guids[0] not in stats(sim)["restaurant_requests"]
    assert Restaurant.objects.get(pk=guids[0]).has_data


# A fetch thread that met the stopped writer ends quietly, without a traceback.
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_chunk_whose_writer_stopped_stops_fetching(toast, sim, monkeypatch, settings):
    _discover(toast)
    guids = _connected()
    settings.TOAST_SYNC_CONCURRENCY = 1

    def database_down(self, items):
        raise DatabaseError("the database is gone")

    monkeypatch.setattr(BatchWriter, "_prepare", database_down)
    control(sim, "PUT", "faults", json={"latency_ms": 40})  # the writer fails first
    before = stats(sim)["requests"].get("GET /restaurants/v1/restaurants/{guid}", 0)
    run, _ = _refresh(toast, guids)

    fetched = stats(sim)["requests"]["GET /restaurants/v1/restaurants/{guid}"] - before
    assert fetched < len(guids)  # no requests made for restaurants that cannot be stored
    assert run.status == SyncRun.Status.RUNNING  # left to the abandoned-run sweep
    assert not RefreshClaim.objects.exclude(holder="").exists()  # claims let go
