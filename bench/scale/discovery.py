"""Discovery at the platform's size (issue 20, point 4): a first discovery of every
connection (the partners listing and every connected group) within 5 minutes, a full
read again that changes nothing, and a later poll with `lastModified` that touches
only the connections changed since."""

import os
import random
import time
import types

from django.utils import timezone

from bench.platform import clear
from integrations.sync import discovery, polling
from restaurants.models import Connection
from tests.platform import control, simulator_process

from ._measure import client_of

FIRST_GOAL_SECONDS = 300


def run(report, size: int) -> None:
    clear()
    with simulator_process(size) as url:
        client = client_of(url)
        started, cpu = time.perf_counter(), time.process_time()
        changes = polling.poll(client, full=True)
        polled = time.perf_counter() - started
        prospects = discovery.discover_groups(client)
        first, cpu = time.perf_counter() - started, time.process_time() - cpu
        connected = Connection.objects.connected().count()
        # The CPU time says how much of the wall time a busy machine's other work took.
        print(
            f"   first discovery: {connected:,} connected, {len(prospects):,} prospects, "
            f"{first:.0f} s ({connected / first:.0f} connections/s; the partners read "
            f"{polled:.0f} s, the groups {first - polled:.0f} s), {cpu:.0f} s of CPU here, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        report("discovery_first_vs_5_minutes", first / FIRST_GOAL_SECONDS, "<= 1")

        started = time.perf_counter()
        again = polling.poll(client, full=True)
        print(f"   full read again: {len(again)} changes, {time.perf_counter() - started:.0f} s")
        report("discovery_full_read_again_changes", len(again), "== 0")

        report("poll_since_rows_touched_vs_changed", _poll_since(url, client, changes), "<= 1")


def _poll_since(url, client, changes):
    """Updates a thousandth of the connections on the platform, polls with lastModified;
    returns the connections the poll wrote over those changed."""
    simulator = types.SimpleNamespace(url=url)
    listed = [change.guid for change in changes]
    changed = random.Random(4).sample(listed, max(10, len(listed) // 1000))
    for guid in changed:
        control(simulator, "POST", f"restaurants/{guid}/update")
    polled = timezone.now()
    started = time.perf_counter()
    polling.poll(client)
    seconds = time.perf_counter() - started
    touched = Connection.objects.filter(updated_at__gte=polled).count()
    print(f"   poll since: {len(changed)} changed, {touched} written, {seconds:.1f} s")
    return touched / len(changed)
