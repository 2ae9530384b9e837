"""Sync at the platform's size (issue 20, point 5), on PostgreSQL + Redis with three
`qcluster` processes (as on three machines) of one worker each:

- a full refresh of every connected restaurant: none lost (each fetched once or more);
- a re-sync with nothing changed: rows written besides the freshness stamps (goal 0);
- each worker's peak memory at `size` over its peak at 10,000 (goal <= 1.2);
- throughput against what the concurrency allows at the injected latency (also held
  to the platform's per-restaurant rate limit), and against the fetch floor: the
  same requests with plain pooled sessions at the same concurrency, in the same run.
"""

import contextlib
import time

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from bench.platform import clear, fetch_floor
from bench.sync import queued_sync, rows, timed
from integrations.sync import polling
from restaurants.models import Connection
from tests.platform import login, qcluster, simulator_process

from ._measure import client_of, group_pids, peak_rss_mib

CLUSTERS = 3
LATENCY_MS = 20
BASELINE = 10_000
CLUSTER = {"Q_ORM_POLL_SECONDS": 0.02}


def run(report, size: int) -> None:
    figures = _sync(size)
    if size > BASELINE:
        baseline = _sync(BASELINE)
        report("sync_worker_peak_vs_10000", figures["peak"] / baseline["peak"], "<= 1.2")
    else:
        print(f"   (no memory figure: {size:,} is not more than the baseline of {BASELINE:,})")
    concurrency = CLUSTERS * settings.TOAST_SYNC_CONCURRENCY
    allowed = min(
        concurrency / (LATENCY_MS / 1000),
        float(settings.TOAST_RATE_LIMIT_PER_SECOND * figures["restaurants"]),
    )
    achieved = figures["restaurants"] / figures["full"]
    print(
        f"   {figures['restaurants']:,} restaurants: full {figures['full']:.0f} s "
        f"({achieved:.0f}/s; {concurrency} in flight at {LATENCY_MS} ms allow {allowed:.0f}/s), "
        f"unchanged {figures['unchanged']:.0f} s, floor {figures['floor']:.0f} s "
        f"(plain fetches reach {figures['restaurants'] / figures['floor'] / allowed:.2f} "
        f"of what is allowed on this machine); worker peak {figures['peak']:.0f} MiB"
    )
    report("sync_full_restaurants_lost", figures["lost"], "== 0")
    report("sync_unchanged_rows_written", figures["written"], "== 0")
    report("sync_full_vs_allowed_throughput", achieved / allowed, ">= 0.9")
    report("sync_full_vs_fetch_floor", figures["full"] / figures["floor"], "<= 1.25")


def _sync(count):
    clear()
    with simulator_process(count, "--latency-ms", str(LATENCY_MS)) as url:
        polling.poll(client_of(url), full=True)
        connected = Connection.objects.connected()
        guids = [str(guid) for guid in connected.values_list("pk", flat=True)]
        concurrency = CLUSTERS * settings.TOAST_SYNC_CONCURRENCY
        figures = {"restaurants": len(guids)}
        figures["floor"] = timed(fetch_floor, url, login(url), guids, concurrency)
        with contextlib.ExitStack() as stack:
            clusters = [stack.enter_context(qcluster(url, 1, **CLUSTER)) for _ in range(CLUSTERS)]
            time.sleep(3)  # the clusters' start
            started = timezone.now()
            figures["full"] = timed(queued_sync, guids)
            fetched = Q(restaurant__last_fetched_at__gte=started)
            figures["lost"] = connected.exclude(fetched).count()
            before = rows()
            figures["unchanged"] = timed(queued_sync, guids)
            figures["written"] = sum(
                after - then for then, after in zip(before, rows(), strict=True)
            )
            figures["peak"] = max(
                peak_rss_mib(pid) for cluster in clusters for pid in group_pids(cluster.pid)
            )
    return figures
