"""A dead worker costs minutes: its chunk's heartbeat stops, and any other worker queues
the rest again, on either broker (the suite runs on both)."""

import socket
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connections
from django.test import override_settings
from django.utils import timezone
from django_q.brokers import get_broker

from integrations.models import RefreshChunk, RefreshClaim, SyncRun
from integrations.sync import chunk_state, enqueue_refresh, polling, recovery, refresh, runs
from restaurants.models import Connection, Restaurant
from tests.integrations.sync.lost_workers import WORKER, survivor_recovers, wait_for
from tests.platform import control, kill_machine, qcluster, stats

pytestmark = pytest.mark.django_db(transaction=True)


def _connected():
    return [str(g) for g in Connection.objects.connected().values_list("pk", flat=True)]


def _fetched(guids):
    return Restaurant.objects.filter(pk__in=guids).exclude(content_sha256="").count()


def test_a_killed_cluster_costs_seconds_and_the_run_completes(toast, sim, settings, staff_client):
    get_broker().purge_queue()
    polling.poll(toast, full=True)
    guids = _connected()
    settings.TOAST_SYNC_CHUNK_SIZE = 4
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "workers": 1}  # two chunks, one at a time
    control(sim, "PUT", "faults", json={"latency_ms": 700})  # a chunk of 4 takes 3 s
    with qcluster(sim.url, workers=1, **WORKER) as doomed:
        run = enqueue_refresh(guids, trigger=SyncRun.Trigger.STAFF)
        mid_chunk = RefreshChunk.objects.filter(run=run, status="running", done__gte=1)
        assert wait_for(mid_chunk.exists)
        kill_machine(doomed)
    killed_at = time.monotonic()
    assert SyncRun.objects.get(pk=run.pk).done < len(guids)

    finished = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.FINISHED)
    assert survivor_recovers(sim.url, finished.exists)
    recovered_in = time.monotonic() - killed_at

    run.refresh_from_db()
    assert (run.done, run.total, run.failed, run.skipped) == (len(guids), len(guids), 0, 0)
    assert _fetched(guids) == len(guids)  # every restaurant refreshed
    assert not RefreshClaim.objects.exists()  # the dead worker's claims went with the recovery
    assert not RefreshChunk.objects.filter(run=run, status__in=["queued", "running"]).exists()
    lost = RefreshChunk.objects.filter(run=run, status="lost")
    assert lost.exists() and sum(chunk.requeued for chunk in lost) > 0
    reports = run.loss_reports()
    worker_lost = [report for report in reports if report.startswith("Worker lost")]
    assert worker_lost[0].startswith(f"Worker lost on host {socket.gethostname()}, ")
    assert worker_lost[0].endswith(" restaurants re-queued")
    page = staff_client.get("/").content.decode()
    assert all(report in page for report in reports)
    print(f"recovered and finished {recovered_in:.1f} s after the kill; {'; '.join(reports)}")


def _chunk_elsewhere(run, guids, *, host="lost-machine", beat_ago=timedelta(minutes=1), done=0):
    """A chunk running on another machine, its last heartbeat `beat_ago`, with claims on
    `guids` until long from now (dead by default)."""
    holder = f"{host}:4242:0badc0de"
    chunk = RefreshChunk.objects.create(
        run=run,
        guids=guids,
        status=RefreshChunk.Status.RUNNING,
        holder=holder,
        heartbeat_at=timezone.now() - beat_ago,
        done=done,
    )
    until = timezone.now() + timedelta(minutes=10)
    RefreshClaim.objects.bulk_create(
        RefreshClaim(connection_id=guid, holder=holder, until=until) for guid in guids
    )
    return chunk


def test_claims_of_a_dead_holder_on_another_machine_never_block_a_refresh(toast, sim, admin_client):
    get_broker().purge_queue()
    polling.poll(toast, full=True)
    guids = _connected()[:4]
    old = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.SCHEDULE, total=4)
    runs.mark_running(old.pk)
    _chunk_elsewhere(old, guids)

    new = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF, total=4)
    assert refresh.refresh_chunk(new.pk, guids, client=toast) == {"changed": 4}
    assert len(stats(sim)["restaurant_requests"]) == 4

    # The old run is not left waiting for them: they are queued again as its own chunk.
    old.refresh_from_db()
    assert old.status == SyncRun.Status.RUNNING and old.done == 0
    assert old.loss_reports() == ["Worker lost on host lost-machine, 4 restaurants re-queued"]
    _assert_queued_again(old, guids)
    page = admin_client.get("/admin/integrations/syncrun/").content.decode()
    assert "Worker lost on host lost-machine, 4 restaurants re-queued" in page


def _assert_queued_again(run, guids):
    """`guids` are a new chunk of `run`, in the broker."""
    again = RefreshChunk.objects.get(run=run, status="queued")
    assert sorted(again.guids) == sorted(guids)
    assert get_broker().queue_size() == 1
    get_broker().purge_queue()


def test_a_live_holder_on_another_machine_is_respected(toast, sim):
    polling.poll(toast, full=True)
    guids = _connected()[:2]
    other = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.SCHEDULE, total=2)
    _chunk_elsewhere(other, guids, beat_ago=timedelta(seconds=1))

    new = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF, total=2)
    assert refresh.refresh_chunk(new.pk, guids, client=toast) == {"skipped": 2}
    assert not RefreshChunk.objects.filter(status="lost").exists()


def test_a_lost_chunk_is_found_once_its_heartbeat_is_older_than_the_limit(settings):
    settings.TOAST_SYNC_LOST_AFTER_SECONDS = 30
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.SCHEDULE, total=0)
    chunk = _chunk_elsewhere(run, [], beat_ago=timedelta(0))
    beat = chunk.heartbeat_at

    with mock.patch("django.utils.timezone.now", return_value=beat + timedelta(seconds=29)):
        assert recovery.recover_lost_chunks() == []
        assert chunk_state.alive().exists()
    with mock.patch("django.utils.timezone.now", return_value=beat + timedelta(seconds=31)):
        assert [lost.pk for lost in recovery.recover_lost_chunks()] == [chunk.pk]
        assert recovery.recover_lost_chunks() == []  # once
    # Found by the next sweep of the one-minute schedule (django-q2 looks at its
    # schedules about every 30 s): within two minutes of the last heartbeat.
    assert settings.TOAST_SYNC_LOST_AFTER_SECONDS + 60 + 30 <= 120


def test_what_a_lost_chunk_finished_is_not_done_again_and_the_run_adds_up(toast, sim):
    get_broker().purge_queue()
    polling.poll(toast, full=True)
    guids = _connected()[:5]
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.SCHEDULE, total=5)
    runs.add(run.pk, {"changed": 2})  # flushed by the chunk before it died ...
    chunk = _chunk_elsewhere(run, guids, done=2)
    RefreshClaim.objects.filter(connection_id__in=guids[:3]).delete()  # ... with one taken over

    [lost] = recovery.recover_lost_chunks()
    assert lost.requeued == 2
    run.refresh_from_db()
    assert (run.done, run.skipped) == (3, 1)  # the one another chunk took over
    assert RefreshChunk.objects.get(pk=chunk.pk).guids == []
    _assert_queued_again(run, guids[3:])


def test_a_chunk_queued_but_lost_with_its_worker_is_queued_again(settings):
    """A killed cluster takes the tasks it had fetched ahead with it: the broker and the
    live clusters hold nothing, and yet a chunk waits."""
    get_broker().purge_queue()
    settings.TOAST_SYNC_LOST_AFTER_SECONDS = 30
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.SCHEDULE, total=2)
    waiting = RefreshChunk.objects.create(run=run, guids=["a", "b"])
    assert recovery.recover_lost_chunks() == []  # just queued
    RefreshChunk.objects.filter(pk=waiting.pk).update(queued_at=timezone.now() - timedelta(1))
    [lost] = recovery.recover_lost_chunks()
    assert lost.loss_report() == "Queued task lost, 2 restaurants re-queued"
    _assert_queued_again(run, ["a", "b"])


def test_a_second_delivery_of_a_chunk_task_does_nothing(toast, sim):
    polling.poll(toast, full=True)
    guids = _connected()[:2]
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF, total=2)
    chunk = RefreshChunk.objects.create(run=run, guids=guids)
    assert refresh.refresh_chunk(run.pk, guids, client=toast, chunk_id=chunk.pk) == {"changed": 2}
    # The database broker hands a task out again after `retry` if it saw no answer.
    assert refresh.refresh_chunk(run.pk, guids, client=toast, chunk_id=chunk.pk) == {}
    assert len(stats(sim)["restaurant_requests"]) == 2
    assert RefreshChunk.objects.get(pk=chunk.pk).status == "done"


def test_a_slow_chunk_with_a_heartbeat_is_not_failed_as_abandoned():
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.SCHEDULE, total=10)
    _chunk_elsewhere(run, [], beat_ago=timedelta(seconds=1))
    SyncRun.objects.filter(pk=run.pk).update(progressed_at=timezone.now() - timedelta(hours=1))
    assert runs.sweep_abandoned() == 0


def test_a_chunk_given_up_while_alive_stops_and_counts_nothing_more(toast, sim):
    polling.poll(toast, full=True)
    guids = _connected()
    control(sim, "PUT", "faults", json={"latency_ms": 500})  # a flush every second or two
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF, total=len(guids))

    def chunk():
        try:
            refresh.refresh_chunk(run.pk, guids, client=toast)
        finally:
            connections.close_all()  # this thread's own

    worker = threading.Thread(target=chunk)
    with override_settings(TOAST_SYNC_CONCURRENCY=1):
        worker.start()
        counted = RefreshChunk.objects.filter(run=run, status="running", done__gte=1)
        assert wait_for(counted.exists)
        # What a sweep does when the heartbeat looked stopped (a long pause of the
        # process, say): the rest is another chunk's now.
        RefreshChunk.objects.filter(run=run).update(status=RefreshChunk.Status.LOST)
        worker.join()
    given_up = RefreshChunk.objects.get(run=run)
    assert SyncRun.objects.get(pk=run.pk).done == given_up.done < len(guids)
    assert len(stats(sim)["restaurant_requests"]) < len(guids)
