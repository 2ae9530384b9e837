"""Throttling before sending, so the platform's limits hold for all workers together.

The platform counts requests in fixed time slices (its `X-Toast-RateLimit-Reset`
is the start of the next slice): 20 per second and 10,000 per 15 minutes by
default, per restaurant when `Toast-Restaurant-External-ID` is sent and per
client address otherwise. A budget store shared by every process (the
database, see integrations/budgets.py) takes one request from a budget
atomically or says how long to wait.
"""

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import Throttled

logger = logging.getLogger(__name__)

CLIENT_BUCKET = "client"


@dataclass(frozen=True)
class Limits:
    per_second: int
    per_window: int
    window_seconds: int


class BudgetStore(Protocol):
    """Budgets shared by every process (integrations/budgets.py keeps them in the database)."""

    def take(self, bucket: str, now: float, limits: Limits) -> float:
        """0 when one request was taken from `bucket`, else the seconds to wait."""
        ...

    def pause(self, bucket: str, until: float) -> None:
        """Lets no request from `bucket` until the instant `until` (epoch seconds)."""
        ...


def bucket_for(restaurant_guid: str | None) -> str:
    return f"restaurant:{restaurant_guid}" if restaurant_guid else CLIENT_BUCKET


class RateLimiter:
    def __init__(
        self,
        store: BudgetStore,
        limits: Limits,
        *,
        max_wait_seconds: float = 120,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.store = store
        self.limits = limits
        self.max_wait_seconds = max_wait_seconds
        self.clock = clock
        self.sleep = sleep

    def acquire(self, bucket: str) -> None:
        """Blocks until the budget allows one more request; Throttled if that takes too long."""
        started = self.clock()
        while True:
            wait = self.store.take(bucket, self.clock(), self.limits)
            if wait <= 0:
                return
            if self.clock() - started + wait > self.max_wait_seconds:
                raise Throttled(
                    f"Rate-limit budget {bucket} is exhausted for another {wait:.0f} s",
                    restaurant_guid=bucket.removeprefix("restaurant:"),
                )
            # Jitter spreads the workers that waited for the same instant.
            self.sleep(wait + random.uniform(0, 0.02))

    def observe(self, bucket: str, headers: Mapping[str, str]) -> None:
        """Follows the platform's own count: an empty budget pauses until its reset."""
        remaining = _number(headers.get("X-Toast-RateLimit-Remaining"))
        reset = _number(headers.get("X-Toast-RateLimit-Reset"))
        if remaining is not None and remaining <= 0 and reset:
            self.store.pause(bucket, reset)

    def rate_limited(self, bucket: str, retry_after: str | None) -> None:
        """After a 429: stop the budget as told, then resume."""
        seconds = _number(retry_after)
        seconds = 1.0 if seconds is None or seconds < 0 else min(seconds, 900)
        logger.warning("Platform rate limit hit for %s: pausing %.0f s", bucket, seconds)
        self.store.pause(bucket, self.clock() + seconds)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
