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
    defer=None,
):
    """Stores one `RestaurantInfo` payload and says what it did.

    `stored_sha256`, when the caller has read it, spares a changed payload the
    UPDATE that would have found it unchanged (a write, and on SQLite a turn at
    the database-wide write lock); with `stamps` (FreshnessStamps) an unchanged
    one costs no query at all until the stamps are written. With `defer` a
    changed one's `Write` is handed to it, to be written with others (see
    write_batches.BatchWriter), and the outcome is QUEUED."""
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
        if maybe_unchanged and _touch_if_unchanged(guid, sha256, now):
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
        for start in range(0, len(guids), STAMPS_PER_UPDATE):
            batch = guids[start : start + STAMPS_PER_UPDATE]
            hashes = [pending[guid] for guid in batch]
            _stamp_fresh(Restaurant.objects.filter(pk__in=batch, content_sha256__in=hashes))


# Two IN lists and three values stay within SQLite's smallest variable limit (999).
STAMPS_PER_UPDATE = 400


def _touch_if_unchanged(guid, sha256, now):
    return _stamp_fresh(Restaurant.objects.filter(pk=guid, content_sha256=sha256), now)


def _stamp_fresh(restaurants, now=None):
    """Marks the restaurants fetched just now, their data confirmed: no error stands."""
    return restaurants.update(
        last_fetched_at=now or timezone.now(), last_error="", last_error_at=None
    )


RESTAURANTS = statements.Table(Restaurant)
DAY_SCHEDULES = statements.Table(DaySchedule)
SERVICES = statements.Table(Service)
SNAPSHOTS = statements.Table(Snapshot)


class Write:
    """One parsed payload's rows, converted before any transaction (see statements.py)."""

    def __init__(self, parsed, payload_text, sha256, source, now):
        guid = self.guid = parsed.guid
        self.key = RESTAURANTS.key("guid", guid)
        self.values = {
            **parsed.values,
            "content_sha256": sha256,
            "last_fetched_at": now,
            "last_changed_at": now,
            "last_error": "",
            "last_error_at": None,
        }
        days = parsed.day_schedules
        self.restaurant = RESTAURANTS.row({"guid": guid, **self.values})
        self.schedules = [
            DAY_SCHEDULES.row(
                {"restaurant": guid, "key": day.key, "position": day.position, **day.values}
            )
            for day in days
        ]
        self.services = [
            (day.key, SERVICES.row({"position": position, **service}))
            for day in days
            for position, service in enumerate(day.services)
        ]
        snapshot = {"restaurant": guid, "fetched_at": now, "source": source, "sha256": sha256}
        self.snapshot = SNAPSHOTS.row({**snapshot, "payload": statements.Converted(payload_text)})

    def run(self):
        """Writes the restaurant in a transaction of its own; True if it was new."""
        with transaction.atomic(), connection.cursor() as cursor:
            return write_all(cursor, [self])[0]


def write_all(cursor, writes):
    """Stores `writes` in the caller's transaction with the same few statements
    however many restaurants, schedules and services; says which were new."""
    keys = [write.key for write in writes]
    of_these = f"IN ({statements.placeholders(len(keys))})"
    guid = RESTAURANTS.column("guid")
    cursor.execute(f"SELECT {guid} FROM {RESTAURANTS.name} WHERE {guid} {of_these}", keys)
    existing = {row[0] for row in cursor.fetchall()}
    # Every payload fills the same fields; those are what an existing row gets.
    RESTAURANTS.insert(cursor, [write.restaurant for write in writes], or_update=writes[0].values)
    _replace_schedules(cursor, writes, keys, of_these)
    SNAPSHOTS.insert(cursor, [write.snapshot for write in writes])
    return [write.key not in existing for write in writes]


def _replace_schedules(cursor, writes, keys, of_these):
    """Deletes the restaurants' day schedules and services and inserts the new ones."""
    restaurant, schedule_id = DAY_SCHEDULES.column("restaurant"), DAY_SCHEDULES.column("id")
    schedules = f"SELECT {schedule_id} FROM {DAY_SCHEDULES.name} WHERE {restaurant} {of_these}"
    day_schedule = SERVICES.column("day_schedule")
    cursor.execute(f"DELETE FROM {SERVICES.name} WHERE {day_schedule} IN ({schedules})", keys)
    cursor.execute(f"DELETE FROM {DAY_SCHEDULES.name} WHERE {restaurant} {of_these}", keys)
    DAY_SCHEDULES.insert(cursor, [row for write in writes for row in write.schedules])
    services = [(write.key, day, row) for write in writes for day, row in write.services]
    if not services:
        return
    # The services' foreign keys: the ids the new day schedules were given.
    key = DAY_SCHEDULES.column("key")
    cursor.execute(
        f"SELECT {restaurant}, {key}, {schedule_id} FROM {DAY_SCHEDULES.name}"
        f" WHERE {restaurant} {of_these}",
        keys,
    )
    ids = {(owner, day): pk for owner, day, pk in cursor.fetchall()}
    at = SERVICES.position("day_schedule")
    SERVICES.insert(
        cursor, [(*row[:at], ids[owner, day], *row[at + 1 :]) for owner, day, row in services]
    )
