"""Writes a fetched or imported `RestaurantInfo` onto the models: the one place.

- An unchanged payload (same content hash) costs one UPDATE of the freshness
  stamp and nothing else.
- A changed one is written in one transaction with a fixed number of queries,
  whatever the number of day schedules and services (bulk operations).
- An invalid one is refused whole: the restaurant keeps its last good data
  and the error, naming the field and the value, is recorded on it.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from restaurants import restaurant_info
from restaurants.models import DaySchedule, Restaurant, Service, Snapshot
from restaurants.restaurant_info import PayloadError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REFUSED = "refused"

    status: str
    guid: str | None
    error: str = ""

    @property
    def ok(self):
        return self.status != self.REFUSED


def apply_restaurant_info(
    payload, *, source=Snapshot.Source.API, fetched_at=None, stored_sha256=None
):
    """Stores one `RestaurantInfo` payload and says what it did.

    `stored_sha256`, when the caller has read it, spares a changed payload the
    UPDATE that would have found it unchanged (a write, and on SQLite a turn at
    the database-wide write lock)."""
    now = fetched_at or timezone.now()
    try:
        guid = restaurant_info.parse_guid(payload)
    except PayloadError as exc:
        # Without a GUID there is no restaurant to record the error on.
        logger.warning("Refused a RestaurantInfo payload: %s", exc)
        return Outcome(Outcome.REFUSED, None, str(exc))

    try:
        sha256 = restaurant_info.content_hash(payload)
        maybe_unchanged = stored_sha256 in (None, sha256)
        if maybe_unchanged and _touch_if_unchanged(guid, sha256, now):
            return Outcome(Outcome.UNCHANGED, str(guid))
        parsed = restaurant_info.parse(payload)
    except PayloadError as exc:
        record_error(guid, f"Refused payload: {exc}", now)
        logger.warning("Refused RestaurantInfo for %s: %s", guid, exc)
        return Outcome(Outcome.REFUSED, str(guid), str(exc))

    created = _write(parsed, payload, sha256, source, now)
    return Outcome(Outcome.CREATED if created else Outcome.CHANGED, str(guid))


def record_error(guid, message, at=None):
    """Shows `message` on the restaurant as its last error, keeping its data."""
    at = at or timezone.now()
    updated = Restaurant.objects.filter(pk=guid).update(last_error=message, last_error_at=at)
    if not updated:
        Restaurant.objects.get_or_create(
            guid=guid, defaults={"last_error": message, "last_error_at": at}
        )


def _touch_if_unchanged(guid, sha256, now):
    return Restaurant.objects.filter(pk=guid, content_sha256=sha256).update(
        last_fetched_at=now, last_error="", last_error_at=None
    )


@transaction.atomic
def _write(parsed, payload, sha256, source, now):
    values = {
        **parsed.values,
        "content_sha256": sha256,
        "last_fetched_at": now,
        "last_changed_at": now,
        "last_error": "",
        "last_error_at": None,
    }
    # An UPDATE first (the common case), an INSERT only for a new restaurant:
    # no SELECT and no model instance on the way, as the sync does this a lot.
    created = not Restaurant.objects.filter(pk=parsed.guid).update(**values)
    if created:
        Restaurant.objects.create(guid=parsed.guid, **values)
    else:
        Service.objects.filter(day_schedule__restaurant_id=parsed.guid).delete()
        DaySchedule.objects.filter(restaurant_id=parsed.guid).delete()
    schedules = DaySchedule.objects.bulk_create(
        DaySchedule(restaurant_id=parsed.guid, key=day.key, position=day.position, **day.values)
        for day in parsed.day_schedules
    )
    Service.objects.bulk_create(
        Service(day_schedule=schedule, position=position, **values)
        for schedule, day in zip(schedules, parsed.day_schedules, strict=True)
        for position, values in enumerate(day.services)
    )
    Snapshot.objects.create(
        restaurant_id=parsed.guid, fetched_at=now, source=source, sha256=sha256, payload=payload
    )
    return created
