"""Freshness stamps: an unchanged restaurant costs an UPDATE of its stamp and nothing
else, and many such stamps are written in one UPDATE."""

import datetime
import threading
import uuid

from django.utils import timezone

from restaurants.models import Restaurant, RestaurantQuerySet


class FreshnessStamps:
    """Unchanged restaurants whose freshness stamp is written later, many in one UPDATE."""

    def __init__(self) -> None:
        self._pending: dict[uuid.UUID, str] = {}
        self._lock = threading.Lock()

    def add(self, guid: uuid.UUID, sha256: str) -> None:
        with self._lock:
            self._pending[guid] = sha256

    def write(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        # A content hash covers the payload's own guid, so one restaurant's hash
        # never matches another's and the two IN lists pair up. A restaurant
        # whose data changed in between (an import) is left unstamped.
        guids = list(pending)
        for start in range(0, len(guids), STAMPS_PER_UPDATE):
            batch = guids[start : start + STAMPS_PER_UPDATE]
            hashes = [pending[guid] for guid in batch]
            _stamp_fresh(Restaurant.objects.filter(pk__in=batch, content_sha256__in=hashes))


# Two IN lists and three values stay within SQLite's smallest variable limit (999).
STAMPS_PER_UPDATE = 400


def touch_if_unchanged(guid: uuid.UUID, sha256: str, now: datetime.datetime) -> bool:
    """Stamps the restaurant fresh if its stored content hash is `sha256`; says if it was."""
    return _stamp_fresh(Restaurant.objects.filter(pk=guid, content_sha256=sha256), now) > 0


def _stamp_fresh(restaurants: RestaurantQuerySet, now: datetime.datetime | None = None) -> int:
    """Marks the restaurants fetched just now, their data confirmed: no error stands."""
    return restaurants.update(
        last_fetched_at=now or timezone.now(), last_error="", last_error_at=None
    )
