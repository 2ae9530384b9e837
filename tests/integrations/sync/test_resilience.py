"""No restaurant lost or half-written: faults, duplicates, removals and a killed worker."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from integrations.models import ApiFailure, RefreshClaim, SyncRun
from integrations.sync import polling, refresh, runs
from restaurants.models import Connection, DaySchedule, Restaurant, Snapshot
from tests.platform import control, stats, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def _refresh(toast, guids):
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.COMMAND, total=len(guids))
    return refresh.refresh_chunk(run.pk, guids, client=toast)


def _connected():
    return [str(g) for g in Connection.objects.connected().values_list("pk", flat=True)]


def test_sync_under_5xx_and_429_loses_and_duplicates_nothing(toast, sim, settings):
    settings.TOAST_CIRCUIT_MIN_REQUESTS = 1000  # this test is about retries, not the circuit
    polling.poll(toast, full=True)
    guids = _connected()
    control(
        sim,
        "PUT",
        "faults",
        json={"error_rate": 0.25, "error_status": 500, "burst_429_every": 7, "burst_429_length": 1},
    )
    counts = _refresh(toast, guids)
    assert sum(counts.values()) == len(guids)
    assert set(counts) <= {"changed", "failed"}
    for restaurant in Restaurant.objects.filter(pk__in=guids):
        fetched = bool(restaurant.content_sha256)
        assert fetched != bool(restaurant.last_error), restaurant.pk  # fetched, or failed with why
        if not fetched:
            assert (
                "answered 500" in restaurant.last_error or "answered 429" in restaurant.last_error
            )
    assert Snapshot.objects.count() == counts.get("changed", 0)  # one per stored restaurant
    assert ApiFailure.objects.filter(status_code__in=[500, 429]).exists()


def test_partner_removed_means_zero_requests_for_that_restaurant(toast, sim):
    polling.poll(toast, full=True)
    guids = _connected()
    gone = guids[0]
    control(sim, "POST", f"restaurants/{gone}/remove")
    polling.poll(toast, full=True)
    control(sim, "POST", "stats/reset")
    _refresh(toast, guids)
    assert gone not in stats(sim)["restaurant_requests"]
    assert len(stats(sim)["restaurant_requests"]) == len(guids) - 1


def test_a_lock_left_by_a_dead_process_is_taken_over(toast, sim):
    polling.poll(toast, full=True)
    guid = _connected()[0]
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    import socket

    until = timezone.now() + timedelta(minutes=5)
    RefreshClaim.objects.create(
        connection_id=guid, until=until, holder=f"{socket.gethostname()}:{dead}"
    )
    assert _refresh(toast, [guid]) == {"changed": 1}
    RefreshClaim.objects.create(
        connection_id=guid, until=until, holder=f"{socket.gethostname()}:{os.getppid()}"
    )
    assert _refresh(toast, [guid]) == {"skipped": 1}  # a live holder is respected


def test_killing_a_worker_mid_run_leaves_nothing_half_written(toast, sim):
    polling.poll(toast, full=True)
    guids = _connected()
    control(sim, "PUT", "faults", json={"latency_ms": 40})
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "sync_restaurants", "--all"],
        cwd=settings.BASE_DIR,
        # Two requests in flight: slow enough to be caught mid-run.
        env=worker_env(sim.url, DJANGO_SETTINGS_MODULE="tests.settings", TOAST_SYNC_CONCURRENCY=2),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while Restaurant.objects.exclude(content_sha256="").count() < 3:
        assert time.monotonic() < deadline and worker.poll() is None
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    stored = Restaurant.objects.exclude(content_sha256="").count()
    assert 0 < stored < len(guids)
    _assert_whole()

    control(sim, "PUT", "faults", json={})
    counts = _refresh(toast, guids)
    assert counts.get("skipped", 0) == 0 and counts.get("failed", 0) == 0
    assert Restaurant.objects.filter(pk__in=guids).exclude(content_sha256="").count() == len(guids)
    _assert_whole()


def _assert_whole():
    """Every restaurant is either not written at all or written whole, matching its snapshot."""
    for restaurant in Restaurant.objects.all():
        days = DaySchedule.objects.filter(restaurant=restaurant).count()
        if not restaurant.content_sha256:
            assert days == 0
            continue
        snapshot = Snapshot.objects.filter(restaurant=restaurant).latest("fetched_at")
        assert snapshot.sha256 == restaurant.content_sha256
        assert days == len(snapshot.payload["schedules"]["daySchedules"])


def test_runs_abandoned_by_a_stopped_worker_are_failed_with_a_reason():
    stuck = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.SCHEDULE, total=10)
    runs.mark_running(stuck.pk)
    alive = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.SCHEDULE, total=10)
    SyncRun.objects.filter(pk=stuck.pk).update(progressed_at=timezone.now() - timedelta(hours=1))
    assert runs.sweep_abandoned() == 1
    stuck.refresh_from_db()
    assert stuck.status == SyncRun.Status.FAILED and "Abandoned" in stuck.error
    assert SyncRun.objects.get(pk=alive.pk).status == SyncRun.Status.QUEUED
