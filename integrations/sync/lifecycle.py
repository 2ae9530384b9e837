"""Connection lifecycle: what a partner record (webhook or partners API) does to a connection.

The partners webhook and the partners API poll both land here, so a
restaurant connects, changes and leaves the same way whichever told us first.
A record older than what we hold (out-of-order delivery) changes nothing.
"""

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal import strict_json
from restaurants.models import Connection, Restaurant

logger = logging.getLogger(__name__)

ADDED, REACTIVATED, UPDATED, REMOVED, UNCHANGED = (
    "added",
    "reactivated",
    "updated",
    "removed",
    "unchanged",
)


class RecordError(ValueError):
    """A partner record that does not match the documented format."""


@dataclass(frozen=True)
class Change:
    guid: str
    kind: str

    @property
    def needs_refresh(self):
        return self.kind in (ADDED, REACTIVATED)


def apply_partner_record(record, *, removed=False):
    """Creates, updates, re-activates or removes the connection described by `record`."""
    fields = _fields(record)
    guid = fields.pop("restaurant_id")
    with transaction.atomic():
        Restaurant.objects.get_or_create(guid=guid)
        connection = Connection.objects.select_for_update().filter(restaurant_id=guid).first()
        if connection is None:
            # A removal we never saw connect is kept too: no request goes out for it.
            status = Connection.Status.REMOVED if removed else Connection.Status.CONNECTED
            removed_at = timezone.now() if removed else None
            Connection.objects.create(
                restaurant_id=guid, status=status, removed_at=removed_at, **fields
            )
            return Change(str(guid), REMOVED if removed else ADDED)
        if _older(fields.get("modified_date"), connection.modified_date):
            return Change(str(guid), UNCHANGED)
        kind = _transition(connection, removed)
        for name, value in fields.items():
            setattr(connection, name, value)
        connection.save()
    logger.info("Connection %s %s", guid, kind)
    return Change(str(guid), kind)


def _transition(connection, removed):
    now = timezone.now()
    if removed:
        if connection.status == Connection.Status.REMOVED:
            return UNCHANGED
        connection.status, connection.removed_at = Connection.Status.REMOVED, now
        return REMOVED
    if connection.status == Connection.Status.REMOVED:
        connection.status, connection.connected_at, connection.removed_at = (
            Connection.Status.CONNECTED,
            now,
            None,
        )
        return REACTIVATED
    return UPDATED


def _fields(record):
    if not isinstance(record, dict):
        raise RecordError("a partner record must be a JSON object")
    nul = strict_json.nul_path(record)  # in any field: the record is kept whole in `details`
    if nul is not None:
        raise RecordError(f"{nul}: {strict_json.NUL}")
    group = record.get("managementGroupGuid")
    return {
        "restaurant_id": _uuid(record.get("restaurantGuid"), "restaurantGuid"),
        "management_group_guid": _uuid(group, "managementGroupGuid") if group else None,
        "restaurant_name": _text(record, "restaurantName"),
        "location_name": _text(record, "locationName"),
        "external_group_ref": _text(record, "externalGroupRef"),
        "external_restaurant_ref": _text(record, "externalRestaurantRef"),
        "created_by_email": _text(record, "createdByEmailAddress"),
        "deleted": record.get("deleted") is True,
        "created_date": _instant(record, "createdDate"),
        "modified_date": _instant(record, "modifiedDate"),
        "details": record,
    }


def _uuid(value, name):
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise RecordError(f"{name}: {value!r} is not a GUID") from exc


def _text(record, name):
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 1000 or "\x00" in value:
        raise RecordError(f"{name}: {str(value)[:80]!r} is not a short text")
    return value


def _instant(record, name):
    """Epoch milliseconds (`createdDate`) or, failing that, ISO 8601 (`isoCreatedDate`)."""
    millis = record.get(name)
    if isinstance(millis, int) and not isinstance(millis, bool):
        try:
            return datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise RecordError(f"{name}: {millis!r} is not a time") from exc
    iso = record.get("iso" + name[0].upper() + name[1:])
    if isinstance(iso, str):
        try:
            moment = parse_datetime(iso)
        except ValueError:
            moment = None
        if moment is None:
            raise RecordError(f"iso{name[0].upper()}{name[1:]}: {iso[:40]!r} is not a time")
        return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    if millis is not None:
        raise RecordError(f"{name}: {str(millis)[:40]!r} is not epoch milliseconds")
    return None


def _older(incoming, stored):
    return incoming is not None and stored is not None and incoming < stored
