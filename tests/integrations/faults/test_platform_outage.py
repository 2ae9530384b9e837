"""The platform unreachable during a refresh run: the circuit opens, the run stops sending
and keeps every stored restaurant as it was; once the platform is back, a probe closes
the circuit and the next run refreshes them all."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import CircuitState, SyncRun
from integrations.sync import polling, refresh, runs
from restaurants.models import Connection, Restaurant, Snapshot
from tests.platform import control, stats

pytestmark = pytest.mark.django_db(transaction=True)

SIMULATOR_CONFIG = {"restaurants": 30, "groups": 2}
OUTAGE_SECONDS = 3


def _refresh(toast, guids):
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.SCHEDULE, total=len(guids))
    counts = refresh.refresh_chunk(run.pk, guids, client=toast)
    run.refresh_from_db()
    return run, counts


def _stored():
    return dict(Restaurant.objects.values_list("pk", "content_sha256")), Snapshot.objects.count()


def test_an_outage_mid_run_opens_the_circuit_loses_nothing_and_a_probe_closes_it(
    toast, sim, settings
):
    settings.TOAST_CIRCUIT_MIN_REQUESTS = 4
    settings.TOAST_CIRCUIT_BASE_BACKOFF_SECONDS = 0.5
    polling.poll(toast, full=True)
    guids = [str(g) for g in Connection.objects.connected().values_list("pk", flat=True)]
    first, _ = _refresh(toast, guids)
    assert first.changed == len(guids)
    before = _stored()

    now = timezone.now()
    ends = now + timedelta(seconds=OUTAGE_SECONDS)
    control(
        sim, "PUT", "faults", json={"outage_start": now.isoformat(), "outage_end": ends.isoformat()}
    )
    control(sim, "POST", "stats/reset")
    during, counts = _refresh(toast, guids)
    seen = stats(sim)
    sent, tried = sum(seen["requests"].values()), len(seen["restaurant_requests"])
    assert CircuitState.current().state == CircuitState.State.OPEN
    assert "paused until a probe succeeds" in during.error
    assert during.status == SyncRun.Status.FINISHED and counts.get("changed", 0) == 0
    # Once open (the error ratio passed over the window), no restaurant is sent for.
    assert during.failed == tried < len(guids) and during.skipped == len(guids) - tried
    assert _stored() == before  # nothing stored was touched, nothing half-written

    while timezone.now() < ends:
        time.sleep(0.1)
    CircuitState.objects.filter(pk=1).update(next_probe_at=timezone.now())  # its backoff, due
    after, counts = _refresh(toast, guids)
    assert CircuitState.current().state == CircuitState.State.CLOSED
    assert (after.done, after.failed, after.skipped, after.error) == (len(guids), 0, 0, "")
    assert counts == {"unchanged": len(guids)}
    assert _stored() == before
    print(
        f"outage of {OUTAGE_SECONDS} s: {sent} requests for {tried} of {len(guids)} restaurants "
        f"before the circuit opened, none after; {dict(counts)} once a probe closed it; "
        "stored data untouched"
    )
