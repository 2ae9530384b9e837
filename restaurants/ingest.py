"""How a fetched or imported `RestaurantInfo` becomes rows: the rules, in one place.

- A payload without a readable GUID is refused: there is no restaurant to
  record the error on.
- An unchanged payload (same content hash) stamps the restaurant fresh and
  writes nothing else.
- An invalid one is refused whole: the restaurant keeps its last good data
  and the error, naming the field and the value, is recorded on it.
- Otherwise its rows are stored (restaurants/storage/, the fast write path),
  at once or in the caller's batch.

restaurant_info.py says what a valid payload is and what it maps to.
"""

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from restaurants import restaurant_info
from restaurants.models import Snapshot
from restaurants.restaurant_info import PayloadError
from restaurants.storage import FreshnessStamps, Outcome, Write, record_error, touch_if_unchanged

logger = logging.getLogger(__name__)


def apply_restaurant_info(
    payload: Any,
    *,
    source: str = Snapshot.Source.API,
    fetched_at: datetime.datetime | None = None,
    stored_sha256: str | None = None,
    stamps: FreshnessStamps | None = None,
    defer: Callable[[Write], object] | None = None,
) -> Outcome:
    """Stores one `RestaurantInfo` payload and says what it did.

    `stored_sha256`, when the caller has read it, spares a changed payload the
    UPDATE that would have found it unchanged (a write, and on SQLite a turn at
    the database-wide write lock); with `stamps` (FreshnessStamps) an unchanged
    one costs no query at all until the stamps are written. With `defer` a
    changed one's `Write` is handed to it, to be written with others (see
    storage.BatchWriter), and the outcome is QUEUED."""
    now = fetched_at or timezone.now()
    try:
        guid = restaurant_info.parse_guid(payload)
    except PayloadError as exc:
        # Without a GUID there is no restaurant to record the error on.
        logger.warning("Refused a RestaurantInfo payload: %s", exc)
        return Outcome(Outcome.REFUSED, None, str(exc))

    try:
        sha256, text = restaurant_info.canonical_form(payload)
        if stamps is not None and stored_sha256 == sha256:
            stamps.add(guid, sha256)
            return Outcome(Outcome.UNCHANGED, str(guid))
        maybe_unchanged = stored_sha256 in (None, sha256)
        if maybe_unchanged and touch_if_unchanged(guid, sha256, now):
            return Outcome(Outcome.UNCHANGED, str(guid))
        parsed = restaurant_info.parse(payload)
    except PayloadError as exc:
        record_error(guid, f"Refused payload: {exc}", now)
        logger.warning("Refused RestaurantInfo for %s: %s", guid, exc)
        return Outcome(Outcome.REFUSED, str(guid), str(exc))

    write = Write(parsed, text, sha256, source, now)
    if defer is not None:
        defer(write)
        return Outcome(Outcome.QUEUED, str(guid))
    created = write.run()
    return Outcome(Outcome.CREATED if created else Outcome.CHANGED, str(guid))
