"""The simulator at the platform's size (issue 20, point 3): its peak memory, and how
fast it answers RestaurantInfo for restaurants it has not served yet against the rate
at which the portal syncs them, measured in the same run on the same simulator.

The sync rate is one process's foreground refresh (`sync_restaurants`' path, the
configured concurrency of threads): on this 2-core machine more worker processes
share the same two cores with the simulator and the load.
"""

import random
import time

from django.utils import timezone

from bench.platform import clear, connected
from bench.simulator_throughput import served_per_second
from bench.sync import sync_in_process
from integrations.sync import lifecycle
from tests.platform import login, simulator_subprocess

from ._measure import client_of, peak_rss_mib

SERVED = 6000  # more than the simulator keeps serialised: each one is made on demand
SYNCED = 1000
MEMORY_GOAL_MIB = 2048


def run(report, size: int) -> None:
    clear()
    started = time.perf_counter()
    with simulator_subprocess(size) as (process, url):
        ready = time.perf_counter() - started
        token = login(url)
        started = time.perf_counter()
        guids = connected(url, token)
        listed = time.perf_counter() - started
        sample = random.Random(20).sample(guids, min(len(guids), SERVED + SYNCED))
        synced_count = min(SYNCED, len(sample) // 4)  # a small world: a quarter
        served = served_per_second(url, token, sample[synced_count:])
        synced = _synced_per_second(url, sample[:synced_count])
        peak = peak_rss_mib(process.pid)
    print(
        f"   {size:,} restaurants, {len(guids):,} connected: ready in {ready:.1f} s, "
        f"listed in {listed:.1f} s; {served:.0f} RestaurantInfo/s served, {synced:.0f} synced/s"
    )
    report("simulator_peak_rss", peak, f"<= {MEMORY_GOAL_MIB}", "MiB")
    report("simulator_served_vs_synced_per_second", served / synced, ">= 3")


def _synced_per_second(url, guids):
    client = client_of(url)
    lifecycle.apply_listed_many([{"restaurantGuid": guid} for guid in guids], timezone.now())
    started = time.perf_counter()
    sync_in_process(client, guids)
    return len(guids) / (time.perf_counter() - started)
