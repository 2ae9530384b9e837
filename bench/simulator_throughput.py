"""How fast the simulator serves RestaurantInfo: it must never be what limits a benchmark.

The load comes from two processes of raw keep-alive `http.client` connections,
so the figure is the simulator's and not a Python HTTP client's. bench.sync
compares it with the portal's sync throughput (goal: the simulator >= 3x).
"""

import http.client
import json
import multiprocessing
import threading
import time
import urllib.parse

from tests.platform import login, simulator_process

from .platform import connected

RESTAURANTS = 2000
PROCESSES, THREADS = 2, 4


def run():
    with simulator_process(RESTAURANTS) as url:
        token = login(url)
        per_second = served_per_second(url, token, connected(url, token))
    print(f"   simulator: {per_second:.0f} RestaurantInfo/s")
    return [("simulator_restaurant_info_per_second", per_second, ">= 3x sync restaurants/s")]


def served_per_second(url, token, guids):
    """RestaurantInfo answers a second for `guids`, read by PROCESSES x THREADS clients."""
    started = time.perf_counter()
    workers = [
        multiprocessing.get_context("fork").Process(
            target=_process, args=(url, token, guids[n::PROCESSES])
        )
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(guids) / (time.perf_counter() - started)


def _process(url, token, guids):
    threads = [
        threading.Thread(target=_fetch, args=(url, token, guids[n::THREADS]))
        for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _fetch(url, token, guids):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for guid in guids:
        headers = {"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": guid}
        connection.request(
            "GET", f"/restaurants/v1/restaurants/{guid}?includeArchived=true", headers=headers
        )
        json.loads(connection.getresponse().read())
