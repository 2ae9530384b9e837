"""The downtime circuit breaker, shared by every worker through one database row.

Each process watches the share of 5xx (and timeouts) among its own recent
answers; when it passes `TOAST_CIRCUIT_ERROR_RATIO` over at least
`TOAST_CIRCUIT_MIN_REQUESTS` answers in `TOAST_CIRCUIT_WINDOW_SECONDS`, it opens
the circuit for all. While open, no request is sent and cached data is served;
one worker at a time probes when `next_probe_at` comes, and the wait between
probes doubles (capped) while the platform keeps failing.
"""

import collections
import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import alerts
from .models import CircuitState

logger = logging.getLogger("integrations.circuit")

PROBE_GRACE_SECONDS = 60  # a probe that never reports back is replaced after this


class ErrorWindow:
    """This process's recent answers: (monotonic time, failed?)."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.outcomes = collections.deque()
        self.errors = 0
        self.lock = threading.Lock()

    def add(self, failed):
        """Records an answer; True when the window now says the platform is failing."""
        now = self.clock()
        with self.lock:
            self.outcomes.append((now, failed))
            self.errors += failed
            horizon = now - settings.TOAST_CIRCUIT_WINDOW_SECONDS
            while self.outcomes and self.outcomes[0][0] < horizon:
                self.errors -= self.outcomes.popleft()[1]
            total, errors = len(self.outcomes), self.errors
        return (
            total >= settings.TOAST_CIRCUIT_MIN_REQUESTS
            and errors / total >= settings.TOAST_CIRCUIT_ERROR_RATIO
        )

    def reset(self):
        with self.lock:
            self.outcomes.clear()
            self.errors = 0


def backoff(consecutive_opens):
    base = settings.TOAST_CIRCUIT_BASE_BACKOFF_SECONDS
    return min(settings.TOAST_CIRCUIT_MAX_BACKOFF_SECONDS, base * 2**consecutive_opens)


def open_circuit(reason):
    """Opens (or re-opens after a failed probe) with the next, longer, backoff."""
    now = timezone.now()
    with transaction.atomic():
        CircuitState.current()
        state = CircuitState.objects.select_for_update().get(pk=1)
        if state.state == CircuitState.State.OPEN:
            return state  # another worker opened it already
        first_open = state.state == CircuitState.State.CLOSED
        delay = backoff(0 if first_open else state.consecutive_opens)
        state.state = CircuitState.State.OPEN
        state.opened_at = now if first_open else state.opened_at
        state.next_probe_at = now + timedelta(seconds=delay)
        state.consecutive_opens = 1 if first_open else state.consecutive_opens + 1
        state.reason = reason[:2000]
        state.save()
    if first_open:
        _alert(reason, delay)
    else:
        logger.warning("The platform still fails (%s); next probe in %.0f s", reason, delay)
    return state


def claim_probe():
    """True for the one caller allowed to send a request while the circuit is open."""
    now = timezone.now()
    return bool(
        CircuitState.objects.filter(
            pk=1,
            state__in=[CircuitState.State.OPEN, CircuitState.State.HALF_OPEN],
            next_probe_at__lte=now,
        ).update(
            state=CircuitState.State.HALF_OPEN,
            next_probe_at=now + timedelta(seconds=PROBE_GRACE_SECONDS),
        )
    )


def close_circuit():
    closed = CircuitState.objects.exclude(state=CircuitState.State.CLOSED).update(
        state=CircuitState.State.CLOSED, next_probe_at=None, consecutive_opens=0, reason=""
    )
    if closed:
        logger.warning("The platform answers again: circuit closed, syncing resumes")
        alerts.settle("circuit")


def _alert(reason, delay):
    title = "The platform is failing: requests paused"
    message = (
        f"{reason}. Cached data keeps being served; a probe checks for recovery in "
        f"{delay:.0f} s, then at doubling intervals."
    )
    alerts.raise_alert("circuit", title, message)
