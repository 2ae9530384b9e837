"""Downtime: an outage opens the circuit for every worker, a probe closes it; maintenance pauses."""

import datetime

import pytest
from django.utils import timezone

from integrations.models import Alert, CircuitState, MaintenanceWindow
from integrations.toast import errors
from tests.platform import connected_guids, control, make_client, stats

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def circuit_settings(settings):
    settings.TOAST_CIRCUIT_MIN_REQUESTS = 4
    settings.TOAST_CIRCUIT_BASE_BACKOFF_SECONDS = 0.5
    return settings


def test_outage_opens_the_circuit_and_a_probe_closes_it(toast, sim, circuit_settings):
    guids = connected_guids(sim)
    toast.tokens.get(toast.login)
    now = timezone.now()
    outage = {"outage_start": now.isoformat(), "outage_end": (now + _s(2)).isoformat()}
    control(sim, "PUT", "faults", json=outage)

    with pytest.raises(errors.TransientError):
        toast.restaurant_info(guids[0])  # 3 attempts, all 503
    with pytest.raises(errors.ToastError):
        toast.restaurant_info(guids[1])  # the 4th 503 opens the circuit
    state = CircuitState.current()
    assert state.state == CircuitState.State.OPEN
    assert Alert.objects.filter(kind="circuit", acknowledged_at=None).count() == 1

    # Every worker — here, a second toast — stops sending.
    other = make_client(sim)
    sent = stats(sim)["requests"]
    with pytest.raises(errors.PlatformUnavailable):
        other.restaurant_info(guids[2])
    assert stats(sim)["requests"] == sent

    _wait_until(lambda: timezone.now() > now + _s(2.2))
    CircuitState.objects.filter(pk=1).update(next_probe_at=timezone.now())
    assert other.restaurant_info(guids[2])["guid"] == guids[2]  # the probe
    assert CircuitState.current().state == CircuitState.State.CLOSED
    assert not Alert.objects.filter(kind="circuit", acknowledged_at=None).exists()
    assert toast.restaurant_info(guids[3])["guid"] == guids[3]


def test_failed_probes_back_off_exponentially(toast, sim, circuit_settings):
    guid = connected_guids(sim)[0]
    toast.tokens.get(toast.login)
    control(sim, "PUT", "faults", json={"error_rate": 1.0, "error_status": 503})
    for _ in range(2):
        with pytest.raises(errors.ToastError):
            toast.restaurant_info(guid)
    waits = []
    for _ in range(3):
        CircuitState.objects.filter(pk=1).update(next_probe_at=timezone.now())
        with pytest.raises(errors.TransientError):
            toast.restaurant_info(guid)  # the probe fails
        state = CircuitState.current()
        waits.append((state.next_probe_at - timezone.now()).total_seconds())
    assert state.state == CircuitState.State.OPEN
    assert waits[0] < waits[1] < waits[2]


def test_maintenance_window_pauses_all_reads(toast, sim):
    now = timezone.now()
    MaintenanceWindow.objects.create(starts_at=now - _s(60), ends_at=now + _s(3600))
    with pytest.raises(errors.PlatformUnavailable, match="maintenance"):
        toast.restaurant_info(connected_guids(sim)[0])
    with pytest.raises(errors.PlatformUnavailable):
        toast.partner_restaurants()
    assert stats(sim)["requests"] == {}


def _s(seconds):
    return datetime.timedelta(seconds=seconds)


def _wait_until(condition):
    import time

    while not condition():
        time.sleep(0.05)
