"""Writes a fetched or imported `RestaurantInfo` onto the models: the one place.

- An unchanged payload (same content hash) costs one UPDATE of the freshness
  stamp and nothing else.
- A changed one is written in one transaction with a fixed number of queries,
  whatever the number of day schedules and services (bulk operations).
- An invalid one is refused whole: the restaurant keeps its last good data
  and the error, naming the field and the value, is recorded on it.
"""

import logging
import threading
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from restaurants import restaurant_info, statements
from restaurants.models import DaySchedule, Restaurant, Service, Snapshot
from restaurants.restaurant_info import PayloadError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    QUEUED = "queued"

    status: str
    guid: str | None
    error: str = ""

    @property
    def ok(self):
        return self.status != self.REFUSED


def apply_restaurant_info(
    payload,
    *,
    source=Snapshot.Source.API,
    fetched_at=None,
    stored_sha256=None,
    stamps=None,
    writer=None,
):
    """Stores one `RestaurantInfo` payload and says what it did.

    `stored_sha256`, when the caller has read it, spares a changed payload the
    UPDATE that would have found it unchanged (a write, and on SQLite a turn at
    the database-wide write lock); with `stamps` (FreshnessStamps) an unchanged
    one costs no query at all until the stamps are written. With `writer`
    (write_batches.BatchWriter) a changed one is handed over to be written with
    others, and the writer reports what it did."""
    now = fetched_at or timezone.now()
    try:
        guid = restaurant_info.parse_guid(payload)
    except PayloadError as exc:
        # Without a GUID there is no restaurant to record the error on.
        logger.warning("Refused a RestaurantInfo payload: %s", exc)
        return Outcome(Outcome.REFUSED, None, str(exc))

    try:
        sha256 = restaurant_info.content_hash(payload)
        if stamps is not None and stored_sha256 == sha256:
            stamps.add(guid, sha256)
            return Outcome(Outcome.UNCHANGED, str(guid))
        maybe_unchanged = stored_sha256 in (None, sha256)
        if maybe_unchanged and _touch_if_unchanged(guid, sha256, now):
            return Outcome(Outcome.UNCHANGED, str(guid))
        parsed = restaurant_info.parse(payload)
    except PayloadError as exc:
        record_error(guid, f"Refused payload: {exc}", now)
        logger.warning("Refused RestaurantInfo for %s: %s", guid, exc)
        return Outcome(Outcome.REFUSED, str(guid), str(exc))

    write = Write(parsed, payload, sha256, source, now)
    if writer is not None:
        writer.submit(write)
        return Outcome(Outcome.QUEUED, str(guid))
    created = write.run()
    return Outcome(Outcome.CREATED if created else Outcome.CHANGED, str(guid))


def record_error(guid, message, at=None):
    """Shows `message` on the restaurant as its last error, keeping its data."""
    at = at or timezone.now()
    updated = Restaurant.objects.filter(pk=guid).update(last_error=message, last_error_at=at)
    if not updated:
        Restaurant.objects.get_or_create(
            guid=guid, defaults={"last_error": message, "last_error_at": at}
        )


class FreshnessStamps:
    """Unchanged restaurants whose freshness stamp is written later, many in one UPDATE."""

    def __init__(self):
        self._pending = {}
        self._lock = threading.Lock()

    def add(self, guid, sha256):
        with self._lock:
            self._pending[guid] = sha256

    def write(self):
        with self._lock:
            pending, self._pending = self._pending, {}
        # A content hash covers the payload's own guid, so one restaurant's hash
        # never matches another's and the two IN lists pair up. A restaurant
        # whose data changed in between (an import) is left unstamped.
        guids = list(pending)
        for start in range(0, len(guids), 500):
            batch = guids[start : start + 500]
            Restaurant.objects.filter(
                pk__in=batch, content_sha256__in=[pending[guid] for guid in batch]
            ).update(last_fetched_at=timezone.now(), last_error="", last_error_at=None)


def _touch_if_unchanged(guid, sha256, now):
    return Restaurant.objects.filter(pk=guid, content_sha256=sha256).update(
        last_fetched_at=now, last_error="", last_error_at=None
    )


DAY_SCHEDULES = statements.ChildRows(DaySchedule, "restaurant", Service, "day_schedule")


class Write:
    """The statements that store one parsed payload, all made before its transaction
    (see statements.py), so that `execute` only runs them."""

    def __init__(self, parsed, payload, sha256, source, now):
        self.guid = parsed.guid
        self.values = {
            **parsed.values,
            "content_sha256": sha256,
            "last_fetched_at": now,
            "last_changed_at": now,
            "last_error": "",
            "last_error_at": None,
        }
        days = parsed.day_schedules
        self.restaurant = statements.Update(Restaurant, self.guid, self.values)
        self.schedules = statements.Insert(
            DaySchedule,
            [
                {"restaurant": self.guid, "key": day.key, "position": day.position, **day.values}
                for day in days
            ],
        )
        self.services = statements.Insert(
            Service,
            [
                {"position": position, **service}
                for day in days
                for position, service in enumerate(day.services)
            ],
            deferred="day_schedule",
        )
        self.service_days = [day.key for day in days for _ in day.services]
        self.snapshot = statements.Insert(
            Snapshot,
            [
                {
                    "restaurant": self.guid,
                    "fetched_at": now,
                    "source": source,
                    "sha256": sha256,
                    "payload": payload,
                }
            ],
        )

    def run(self):
        """Writes the restaurant in a transaction of its own; True if it was new."""
        with transaction.atomic(), connection.cursor() as cursor:
            return self.execute(cursor)

    def execute(self, cursor):
        """Writes the restaurant in the caller's transaction; True if it was new."""
        # An UPDATE first (the common case), an INSERT only for a new restaurant.
        created = not self.restaurant.execute(cursor)
        if created:
            statements.Insert(Restaurant, [{"guid": self.guid, **self.values}]).execute(cursor)
        else:
            DAY_SCHEDULES.delete(cursor, self.guid)
        self.schedules.execute(cursor)
        if self.service_days:
            ids = DAY_SCHEDULES.ids_by(cursor, self.guid, "key")
            self.services.execute(cursor, [ids[key] for key in self.service_days])
        self.snapshot.execute(cursor)
        return created
