"""One parsed payload's rows (a `Write`), and many restaurants' rows stored with the
same few statements (`write_all`); a restaurant's error recorded (`record_error`)."""

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from restaurants import checklist_flips, onboarding, stages
from restaurants.models import DaySchedule, Restaurant, Service, Snapshot
from restaurants.restaurant_info import ParsedRestaurantInfo

from .statements import Converted, Table, placeholders


def record_error(guid: uuid.UUID | str, message: str, at: datetime.datetime | None = None) -> None:
    """Shows `message` on the restaurant as its last error, keeping its data."""
    at = at or timezone.now()
    updated = Restaurant.objects.filter(pk=guid).update(last_error=message, last_error_at=at)
    if not updated:
        Restaurant.objects.get_or_create(
            guid=guid, defaults={"last_error": message, "last_error_at": at}
        )


RESTAURANTS = Table(Restaurant)
DAY_SCHEDULES = Table(DaySchedule)
SERVICES = Table(Service)
SNAPSHOTS = Table(Snapshot)


class Write:
    """One parsed payload's rows, converted before any transaction (see statements.py)."""

    def __init__(
        self,
        parsed: ParsedRestaurantInfo,
        payload_text: str,
        sha256: str,
        source: str,
        now: datetime.datetime,
    ) -> None:
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
        self.snapshot = SNAPSHOTS.row({**snapshot, "payload": Converted(payload_text)})

    def run(self) -> bool:
        """Writes the restaurant in a transaction of its own; True if it was new."""
        with transaction.atomic(), connection.cursor() as cursor:
            return write_all(cursor, [self])[0]


def write_all(cursor: CursorWrapper, writes: Sequence[Write]) -> list[bool]:
    """Stores `writes` in the caller's transaction with the same few statements
    however many restaurants, schedules and services; says which were new."""
    keys = [write.key for write in writes]
    of_these = f"IN ({placeholders(len(keys))})"
    guid = RESTAURANTS.column("guid")
    cursor.execute(f"SELECT {guid} FROM {RESTAURANTS.name} WHERE {guid} {of_these}", keys)
    existing = {row[0] for row in cursor.fetchall()}
    known = [write.guid for write in writes if write.key in existing]
    before = onboarding.stored_items(known)
    # Every payload fills the same fields; those are what an existing row gets.
    RESTAURANTS.insert(cursor, [write.restaurant for write in writes], or_update=writes[0].values)
    _replace_schedules(cursor, writes, keys, of_these)
    SNAPSHOTS.insert(cursor, [write.snapshot for write in writes])
    # What the new data does to the onboarding work, in the same transaction.
    checklist_flips.record(before, onboarding.refresh(write.guid for write in writes))
    stages.follow_platform(write.guid for write in writes)
    return [write.key not in existing for write in writes]


def _replace_schedules(
    cursor: CursorWrapper, writes: Sequence[Write], keys: list[Any], of_these: str
) -> None:
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
