"""The one reader of each kind of value from outside: GUIDs and ISO 8601 instants.

Both answer None for what is not such a value, so every caller decides
itself whether that is an error (a webhook's 400, a record refused) or
nothing to filter by.
"""

import datetime
import uuid

from django.utils.dateparse import parse_datetime


def as_uuid(value: object) -> uuid.UUID | None:
    """`value` as a UUID, or None when it is empty or no GUID."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def as_instant(text: object) -> datetime.datetime | None:
    """An ISO 8601 date and time as an aware datetime in UTC (taken as UTC when it
    names no offset), or None when `text` is no such instant or none a database can
    store (a year-9999 time 12 hours west of UTC is in year 10000)."""
    if not isinstance(text, str):
        return None
    try:
        moment = parse_datetime(text)  # ValueError: no real date or time (2026-02-30)
        if moment is None:
            return None
        if moment.tzinfo is None:
            return moment.replace(tzinfo=datetime.UTC)
        return moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return None
