"""Sync benchmarks: wall time against the fetch floor, latency-bound throughput, memory.

Figures are ratios against a floor measured in the same run:
- full sync of 2,000 restaurants / fetch floor (goal <= 1.25)
- re-sync with nothing changed / fetch floor (goal <= 1.05), and rows it wrote (goal 0)
- throughput with 50 ms latency / (concurrency / latency) (goal >= 0.9)
- peak memory of a sync of 10,000 / of 1,000 (goal <= 1.2), each in a fresh process
"""

import json
import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.cache import cache

from integrations import platform
from integrations.models import RateBudget, SyncRun
from integrations.sync import polling, refresh, runs
from restaurants.models import Connection, DaySchedule, Restaurant, Service, Snapshot

from .platform import connected, fetch_floor, login, simulator_process

# The platform is a network away; the sync hides it behind concurrency. Every
# comparison below runs both sides against the same simulated round trip.
LATENCY_MS = 20


def run():
    figures = []
    with simulator_process(2000, "--latency-ms", str(LATENCY_MS)) as url:
        figures += _full_and_unchanged(url)
    with simulator_process(400, "--latency-ms", "50") as url:
        figures += _latency_bound(url)
    figures += _memory()
    return figures


def _full_and_unchanged(url):
    client = _client(url)
    token = login(url)
    guids = connected(url, token)
    polling.poll(client, full=True)
    floor = _timed(lambda: fetch_floor(url, token, guids, settings.TOAST_SYNC_CONCURRENCY))
    full = _timed(lambda: _sync(client, guids))
    rows = _rows()
    unchanged_floor = _timed(
        lambda: fetch_floor(url, token, guids, settings.TOAST_SYNC_CONCURRENCY)
    )
    unchanged = _timed(lambda: _sync(client, guids))
    written = sum(after - before for before, after in zip(rows, _rows(), strict=True))
    print(f"   floor {floor:.2f} s, full sync {full:.2f} s of {len(guids)} restaurants")
    print(f"   floor {unchanged_floor:.2f} s, unchanged re-sync {unchanged:.2f} s")
    return [
        ("sync_full_2000_vs_fetch_floor", full / floor, "<= 1.25"),
        ("sync_unchanged_vs_fetch_floor", unchanged / unchanged_floor, "<= 1.05"),
        ("sync_unchanged_rows_written", written, "0 besides freshness stamps"),
    ]


def _latency_bound(url):
    client = _client(url)
    guids = connected(url, login(url))
    polling.poll(client, full=True)
    seconds = _timed(lambda: _sync(client, guids))
    allowed = min(
        settings.TOAST_SYNC_CONCURRENCY / 0.050,
        float(settings.TOAST_RATE_LIMIT_PER_SECOND * len(guids)),
    )
    achieved = len(guids) / seconds
    print(f"   {achieved:.0f} restaurants/s with 50 ms latency; allowed {allowed:.0f}/s")
    return [("sync_throughput_50ms_vs_allowed", achieved / allowed, ">= 0.9")]


def _memory():
    peaks = {n: _peak_in_fresh_process(n) for n in (1000, 10000)}
    print(
        f"   peak RSS: 1,000 → {peaks[1000] / 1024:.0f} MiB, 10,000 → {peaks[10000] / 1024:.0f} MiB"
    )
    return [("sync_memory_10000_vs_1000", peaks[10000] / peaks[1000], "<= 1.2")]


def _peak_in_fresh_process(count):
    _clear()
    with simulator_process(count) as url:
        output = subprocess.run(
            [sys.executable, "-m", "bench.sync_memory", url],
            env=os.environ,
            cwd=settings.BASE_DIR,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(output.strip().splitlines()[-1])["peak_kib"]


def _client(url):
    _clear()
    settings.TOAST_API_HOSTNAME = url
    platform.reset_clients()
    return platform.build_client(base_url=url)


def _sync(client, guids):
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.COMMAND, total=len(guids))
    size = settings.TOAST_SYNC_CHUNK_SIZE
    for start in range(0, len(guids), size):
        refresh.refresh_chunk(run.pk, guids[start : start + size], client=client)


def _timed(action):
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _rows():
    return [model.objects.count() for model in (Restaurant, DaySchedule, Service, Snapshot)]


def _clear():
    for model in (Snapshot, Connection, Restaurant, SyncRun, RateBudget):
        model.objects.all().delete()
    cache.clear()
