"""A poll or a discovery whose worker dies is queued again like a refresh chunk, on either
broker (the suite runs on both): its heartbeat stops, and any other worker notices."""

import socket
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from django_q.brokers import get_broker

from integrations.models import SyncRun
from integrations.sync import discovery, enqueue_discovery, recovery, runs
from restaurants.models import Connection, Restaurant
from tests.integrations.sync.lost_workers import WORKER, survivor_recovers, wait_for
from tests.platform import connected_guids, control, kill_machine, qcluster, stats

pytestmark = pytest.mark.django_db(transaction=True)


def _discovery(trigger=SyncRun.Trigger.STAFF, **fields):
    run = runs.start(SyncRun.Kind.DISCOVER, trigger)
    SyncRun.objects.filter(pk=run.pk).update(**fields)
    return run


def test_a_discovery_whose_cluster_is_killed_is_queued_again_and_finishes(sim, staff_client):
    get_broker().purge_queue()
    control(sim, "PUT", "faults", json={"latency_ms": 800})  # its pages and groups: seconds
    with qcluster(sim.url, workers=1, **WORKER) as doomed:
        run = enqueue_discovery(trigger=SyncRun.Trigger.SCHEDULE)
        beating = SyncRun.objects.filter(pk=run.pk, status="running", heartbeat_at__isnull=False)
        assert wait_for(beating.exists)
        time.sleep(1)  # in its first page
        kill_machine(doomed)
    killed_at = time.monotonic()
    control(sim, "PUT", "faults", json={})
    assert SyncRun.objects.get(pk=run.pk).status == SyncRun.Status.RUNNING

    finished = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.FINISHED)
    assert survivor_recovers(sim.url, finished.exists)
    recovered_in = time.monotonic() - killed_at

    run.refresh_from_db()
    assert (run.requeues, run.lost_on, run.error) == (1, socket.gethostname(), "")
    report = f"Worker lost on host {socket.gethostname()}, group discovery queued again"
    assert run.loss_reports() == [report]
    assert set(map(str, Connection.objects.connected().values_list("pk", flat=True))) == set(
        connected_guids(sim, include_archived=True)
    )
    assert Restaurant.objects.count() > Connection.objects.count()  # its prospects too
    # A scheduled discovery leaves the refresh to the refresh schedule, re-queued too.
    assert not SyncRun.objects.filter(kind=SyncRun.Kind.REFRESH).exists()
    assert report in staff_client.get("/").content.decode()
    print(f"discovery queued again and finished {recovered_in:.1f} s after the kill")


def test_a_running_task_is_lost_once_its_heartbeat_is_older_than_the_limit(settings):
    get_broker().purge_queue()
    settings.TOAST_SYNC_LOST_AFTER_SECONDS = 30
    beat = timezone.now()
    run = _discovery(status="running", holder="far-away:42:0badc0de", heartbeat_at=beat)
    with mock.patch("django.utils.timezone.now", return_value=beat + timedelta(seconds=29)):
        assert recovery.recover_lost_tasks() == []
        assert runs.sweep_abandoned() == 0
    with mock.patch("django.utils.timezone.now", return_value=beat + timedelta(seconds=31)):
        assert [lost.pk for lost in recovery.recover_lost_tasks()] == [run.pk]
        assert recovery.recover_lost_tasks() == []  # once
    run.refresh_from_db()
    assert (run.status, run.holder, run.heartbeat_at) == (SyncRun.Status.QUEUED, "", None)
    assert run.loss_reports() == ["Worker lost on host far-away, group discovery queued again"]
    get_broker().purge_queue()


def test_a_queued_task_lost_with_its_cluster_is_queued_again(settings):
    """The broker and the live clusters hold nothing, and yet a poll waits."""
    get_broker().purge_queue()
    settings.TOAST_SYNC_LOST_AFTER_SECONDS = 30
    run = runs.start(SyncRun.Kind.POLL, SyncRun.Trigger.STAFF)
    assert recovery.recover_lost_tasks() == []  # just queued
    SyncRun.objects.filter(pk=run.pk).update(progressed_at=timezone.now() - timedelta(minutes=1))
    [lost] = recovery.recover_lost_tasks()
    assert lost.loss_reports() == ["Queued task lost, partners poll queued again"]
    assert get_broker().queue_size() == 1
    get_broker().purge_queue()


def test_a_second_delivery_of_a_task_a_live_worker_runs_does_nothing(toast, sim):
    run = _discovery(status="running", holder="elsewhere:1:cafe", heartbeat_at=timezone.now())
    assert discovery.run_discovery(run.pk, client=toast) is None
    assert stats(sim)["requests"] == {}
    finished = _discovery(status="finished")
    assert discovery.run_discovery(finished.pk, client=toast) is None
    assert SyncRun.objects.get(pk=finished.pk).holder == ""


def test_a_task_keeps_beating_while_its_requests_are_slow(toast, sim, settings):
    settings.TOAST_SYNC_LOST_AFTER_SECONDS = 1  # a beat every third of a second
    control(sim, "PUT", "faults", json={"latency_ms": 1000})
    run = _discovery()
    claimed = timezone.now()
    discovery.run_discovery(run.pk, client=toast, then_refresh=False)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FINISHED
    # Stamped while every request took a second, not only when the task was claimed.
    assert run.heartbeat_at - claimed > timedelta(seconds=1)


def test_a_slow_task_with_a_heartbeat_is_not_failed_as_abandoned():
    run = _discovery(status="running", holder="h:1:x", heartbeat_at=timezone.now())
    SyncRun.objects.filter(pk=run.pk).update(progressed_at=timezone.now() - timedelta(hours=1))
    assert runs.sweep_abandoned() == 0
