"""What the portal checks and records around every platform call.

The API client hands each call to this guard before sending it and reports
how it went; the guard answers with the portal's shared state: planned
maintenance, the downtime circuit, removed restaurants and halted requests
refuse a call before any HTTP request; failures are recorded, counted for the
halting mechanism and watched by the circuit.
"""

import threading
import time
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from restaurants import storage
from restaurants.models import Connection

from . import circuit, failures, halting
from .models import CircuitState, MaintenanceWindow, RequestHalt
from .toast import errors

STATUS_TTL_SECONDS = 1.0  # how stale this process's view of maintenance/circuit may be


@dataclass(frozen=True)
class Ticket:
    halt_key: str
    has_history: bool
    probe: bool


@dataclass(frozen=True)
class PlatformStatus:
    maintenance_until: object  # datetime or None
    circuit: str
    next_probe_at: object


class Guard:
    def __init__(self):
        self.window = circuit.ErrorWindow()
        self._status = None
        self._status_read_at = 0.0
        self._lock = threading.Lock()

    def before(self, call):
        status = self._platform_status()
        if status.maintenance_until:
            raise errors.PlatformUnavailable(
                f"Planned platform maintenance until {status.maintenance_until:%Y-%m-%d %H:%M} UTC:"
                " reads are paused",
                retry_at=status.maintenance_until,
                endpoint=call.endpoint,
                restaurant_guid=call.restaurant_guid,
            )
        key = halting.key_for(call)
        connection_status, history = _call_state(call.restaurant_guid, key)
        if connection_status == Connection.Status.REMOVED:
            raise errors.RestaurantRemoved(
                f"Restaurant {call.restaurant_guid} removed the integration: no request is sent",
                endpoint=call.endpoint,
                restaurant_guid=call.restaurant_guid,
            )
        if history == RequestHalt.Status.HALTED:
            raise errors.RequestHalted(
                f"{call.method} {call.endpoint} for {call.restaurant_guid or 'the client'} is "
                "halted after repeated identical failures; resume it in the admin",
                endpoint=call.endpoint,
                restaurant_guid=call.restaurant_guid,
            )
        # Last, so that a claimed probe is always sent.
        probe = status.circuit != CircuitState.State.CLOSED and self._claim_probe(status, call)
        return Ticket(key, history is not None, probe)

    def failed(self, call, error, attempt, will_retry):
        failures.record(call, error, attempt, will_retry)
        platform_failing = error.transient and error.status != 429
        if self.window.add(platform_failing) and platform_failing:
            self.window.reset()
            circuit.open_circuit(f"Most recent platform calls failed; last: {error}")
            self._forget_status()

    def gave_up(self, call, error, ticket):
        if ticket.probe:
            circuit.open_circuit(f"Recovery probe failed: {error}")
            self._forget_status()
        halting.record_failure(call, error)

    def succeeded(self, call, ticket):
        self.window.add(False)
        if ticket.has_history:
            halting.clear(ticket.halt_key)
        if ticket.probe:
            circuit.close_circuit()
            self._forget_status()

    def _claim_probe(self, status, call):
        if circuit.claim_probe():
            self._forget_status()
            return True
        raise errors.PlatformUnavailable(
            "The platform is failing: requests are paused until a probe succeeds"
            + (
                f" (next probe {status.next_probe_at:%H:%M:%S} UTC)" if status.next_probe_at else ""
            ),
            retry_at=status.next_probe_at,
            endpoint=call.endpoint,
            restaurant_guid=call.restaurant_guid,
        )

    def _platform_status(self):
        with self._lock:
            if self._status is None or time.monotonic() - self._status_read_at > STATUS_TTL_SECONDS:
                self._status = _read_status()
                self._status_read_at = time.monotonic()
            return self._status

    def _forget_status(self):
        with self._lock:
            self._status = None


def _read_status():
    now = timezone.now()
    until = MaintenanceWindow.objects.active(now).order_by("-ends_at").values_list("ends_at")
    row = CircuitState.objects.filter(pk=1).values("state", "next_probe_at").first()
    row = row or {"state": CircuitState.State.CLOSED, "next_probe_at": None}
    first = until.first()
    return PlatformStatus(first[0] if first else None, row["state"], row["next_probe_at"])


HALTS = storage.Table(RequestHalt)
# Hand-written, in one query: it runs before every request, and the two ORM
# queries it replaces cost more CPU than the request itself (0.25 ms each).
CALL_STATE_SQL = (
    f"SELECT {storage.CONNECTION_STATUS_SQL},"
    f" (SELECT {HALTS.column('status')} FROM {HALTS.name} WHERE {HALTS.column('key')} = %s)"
)


def _call_state(restaurant_guid, halt_key):
    """The restaurant's connection status and the call's halt status (each None if absent)."""
    with connection.cursor() as cursor:
        cursor.execute(CALL_STATE_SQL, [storage.connection_key(restaurant_guid), halt_key])
        return cursor.fetchone()
