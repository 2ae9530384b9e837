"""Webhook storm: 500 signed partner events a second for 60 s, a fifth of them
re-deliveries, against the portal as `make run` serves it (gunicorn, its workers and
threads) on PostgreSQL + Redis, with a real `qcluster` processing them meanwhile.

Each request is due at its own instant of an even schedule, whatever the answers
before it (an open loop: a slow answer does not slow the storm), over keep-alive
connections (bench/scale/open_loop.py). Figures:
- the 99th-percentile answer time, from the instant a request was due (goal <= 100 ms;
  the platform gives up after 2 s), and how late the sender wrote its requests
- events not stored exactly once, and deliveries not counted on their event (goal 0)
- seconds from the storm's end until the queue has processed every event (goal <= 60)
The events update connections the portal knows (no refresh follows), so the
figures are of the receiver and the queue, not of the sync. `python -m bench.scale
webhook_storm` (STORM_RATE, STORM_SECONDS to try other sizes).
"""

import json
import os
import random
import socket
import subprocess
import sys
import time
import uuid

import requests
from django.conf import settings
from django.db import connection

from bench.scale import Report, open_loop
from bench.scale._settle import settle
from integrations.models import WebhookEvent
from integrations.signing import sign
from portal.management.commands.run_portal import _gunicorn
from restaurants.models import Connection, Restaurant
from tests.integrations.events import WEBHOOK_URL, partner_event
from tests.platform import kill_machine, qcluster

RATE = int(os.environ.get("STORM_RATE", 500))
SECONDS = int(os.environ.get("STORM_SECONDS", 60))
REDELIVERED = 0.2
RESTAURANTS = 2000
SENDERS = 64  # connections: enough that a slow answer never holds up the schedule
P99_GOAL_MS = 100
DRAIN_GOAL_SECONDS = 60


def run(report: Report, size: int) -> None:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        print("   skipped: the storm is measured on PostgreSQL + Redis (DATABASE_URL, REDIS_URL)")
        return
    settle()  # not the earlier scenario's leftovers: its processes, its dirty pages
    guids = _known_restaurants(min(size, RESTAURANTS))
    deliveries = _schedule(guids)
    distinct = len({body for body, _ in deliveries})
    port = _free_port()
    with _gunicorn_serving(port), qcluster("http://127.0.0.1:9") as cluster:  # no platform needed
        load_before = os.getloadavg()[0]
        sent = _storm(port, deliveries)
        load_after = os.getloadavg()[0]
        ended = time.monotonic()
        drain = _drain() - ended
        kill_machine(cluster)  # the figures are in: no graceful stop of its busy workers
    times, late = sorted(sent.answers), sorted(sent.lateness)
    p99 = _percentile(times, 0.99) * 1000
    stored = WebhookEvent.objects.count()
    counted = sum(WebhookEvent.objects.values_list("deliveries", flat=True))
    print(
        f"   {len(deliveries)} deliveries ({distinct} events) in {SECONDS} s at {RATE}/s: "
        f"p50 {times[len(times) // 2] * 1000:.1f} ms, p99 {p99:.1f} ms, "
        f"max {times[-1] * 1000:.0f} ms (requests written late by "
        f"{_percentile(late, 0.99) * 1000:.1f} ms at p99, {late[-1] * 1000:.0f} ms at most); "
        f"answers {sent.statuses}; "
        f"all processed {drain:.1f} s after the storm; load average {load_before:.1f} before, "
        f"{load_after:.1f} at its end (2 cores shared)"
    )
    report("webhook_storm_p99", p99, f"<= {P99_GOAL_MS}", unit="ms")
    report("webhook_storm_events_not_stored_once", abs(stored - distinct), "<= 0")
    report("webhook_storm_deliveries_not_counted", abs(counted - len(deliveries)), "<= 0")
    report("webhook_storm_processed_after", drain, f"<= {DRAIN_GOAL_SECONDS}", unit="s")


def _known_restaurants(count):
    guids = [uuid.uuid4() for _ in range(count)]
    Restaurant.objects.bulk_create(Restaurant(guid=guid) for guid in guids)
    Connection.objects.bulk_create(Connection(restaurant_id=guid) for guid in guids)
    return guids


def _schedule(guids):
    """(body, headers) per delivery in sending order: each event once, and a fifth of
    them once more a little later with the next attempt number."""
    rng = random.Random(20)
    total = RATE * SECONDS
    firsts = round(total / (1 + REDELIVERED))
    deliveries = []
    for n in range(firsts):
        event = partner_event("partner_updated", rng.choice(guids), restaurantName=f"Name {n}")
        body = json.dumps(event).encode()
        deliveries.append((body, _headers(body, event["timestamp"], 1)))
    for n in rng.sample(range(firsts), total - firsts):
        body, headers = deliveries[n]
        # After its first delivery: the platform retries what it saw no answer to.
        position = min(len(deliveries), n + rng.randint(RATE // 10, RATE * 2))
        deliveries.insert(position, (body, {**headers, "Toast-Attempt-Number": "2"}))
    return deliveries


def _headers(body, timestamp, attempt):
    return {
        "Content-Type": "application/json",
        "Toast-Signature": sign(settings.TOAST_WEBHOOK_SECRET, body, timestamp),
        "Toast-Attempt-Number": str(attempt),
    }


def _storm(port, deliveries) -> open_loop.Sent:
    """Sends each delivery at its instant."""
    prepared = [
        open_loop.request_bytes(f"127.0.0.1:{port}", WEBHOOK_URL, body, headers)
        for body, headers in deliveries
    ]
    return open_loop.send(("127.0.0.1", port), prepared, RATE, SENDERS, timeout=2)


def _percentile(ordered, share):
    return ordered[int(len(ordered) * share) - 1]


def _drain(timeout=600):
    """The instant the queue has processed every stored event."""
    waiting = WebhookEvent.objects.filter(status=WebhookEvent.Status.RECEIVED)
    deadline = time.monotonic() + timeout
    while waiting.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return time.monotonic()


class _gunicorn_serving:
    def __init__(self, port):
        self.port = port

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, *_gunicorn("127.0.0.1", self.port)],
            cwd=settings.BASE_DIR,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/health/", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
