"""Connection lifecycle: what a partner record (webhook or partners API) does to a connection.

The partners webhook and the partners API poll both land here, so a
restaurant connects, changes and leaves the same way whichever told us first.

Order. The platform does not deliver events in order, and a record's
`modifiedDate` is not the time of the event: the guide's own partner_removed
carries the `modifiedDate` of the partner_added before it, older than the
partner_updated sent between them. So `modifiedDate` is stored as sent and
decides nothing. Each record is applied at a Moment, and a connection keeps
the Moment of the last record it applied (`Connection.last_event_at` and
`last_event_webhook_id`); a record whose Moment is not later changes nothing
and is reported STALE with the reason, on the webhook event staff see.

- A webhook event counts at its `timestamp` (when the platform says it
  happened); events of the same timestamp count in the order they arrived
  (their WebhookEvent id). A re-delivery is the same event: it changes nothing.
- A partners API record carries no event time, only `modifiedDate`. It says
  how the connection stood when the poll read it, some time after the poll
  started; and the platform's lists trail its events by a few minutes (the
  reason polls overlap). A *listed* record counts at the poll's start less
  LIST_LAG: an event from just before the poll, or from any time after its
  start, wins over what the poll lists, so a poll never resurrects a
  restaurant that such a webhook removed.
- A restaurant a full read does *not* list counts as removed at the poll's
  start itself: removal is the safe side (the guide: no request after a
  removal), so a removal is not missed for a webhook of the lag before; a
  restaurant a webhook connected after the poll started stays connected.
- At the same instant a webhook wins over a poll (the webhook is the primary
  source). A connection with no Moment yet (made before this rule) takes the
  first record that comes.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from integrations.models import WebhookEvent
from restaurants import connection_events, strict_json
from restaurants.models import Connection, Restaurant
from restaurants.values import as_instant, as_uuid

logger = logging.getLogger(__name__)

ADDED, REACTIVATED, UPDATED, REMOVED, UNCHANGED, STALE = (
    "added",
    "reactivated",
    "updated",
    "removed",
    "unchanged",
    "stale",
)
# How far the partners API's lists may trail the events the webhook sends.
LIST_LAG = datetime.timedelta(minutes=5)


class RecordError(ValueError):
    """A partner record that does not match the documented format."""


@dataclass(frozen=True, order=True)
class Moment:
    """Where a record stands in the order of partner events: its instant, then its
    arrival rank (a webhook's WebhookEvent id; 0 for a poll, which so yields to a
    webhook of the same instant)."""

    at: datetime.datetime
    webhook_id: int = 0

    def describe(self) -> str:
        when = self.at.astimezone(datetime.UTC).isoformat(timespec="milliseconds")
        if self.webhook_id:
            return f"webhook event #{self.webhook_id} of {when}"
        return f"partners poll counted at {when}"


@dataclass(frozen=True)
class Change:
    guid: str
    kind: str
    reason: str = ""

    @property
    def needs_refresh(self) -> bool:
        return self.kind in (ADDED, REACTIVATED)

    @property
    def changed(self) -> bool:
        return self.kind not in (UNCHANGED, STALE)


def webhook_moment(event: WebhookEvent) -> Moment:
    return Moment(event.timestamp, event.pk)


def apply_listed(record, started: datetime.datetime) -> Change:
    """A record a poll that started at `started` listed as connected."""
    return apply_partner_record(record, moment=Moment(started - LIST_LAG))


def remove_unlisted(seen, started: datetime.datetime) -> list[Change]:
    """Removes the connections a full read that started at `started` did not list;
    returns the removals made (a connection a later webhook connected stays)."""
    unlisted = Connection.objects.exclude(restaurant_id__in=seen)
    # Those removed already only move on to this instant, in one statement: an
    # older partner_added delivered late must not connect them again.
    unlisted.removed().filter(Q(last_event_at=None) | Q(last_event_at__lt=started)).update(
        last_event_at=started, last_event_webhook_id=None
    )
    changes = [
        apply_partner_record(
            connection.details or {"restaurantGuid": str(connection.restaurant_id)},
            removed=True,
            moment=Moment(started),
        )
        for connection in unlisted.connected()
    ]
    return [change for change in changes if change.changed]


def apply_partner_record(record, *, moment: Moment, removed=False) -> Change:
    """Creates, updates, re-activates or removes the connection described by `record`,
    unless the connection already holds a later record (see the module's docstring)."""
    fields = _fields(record)
    guid = fields.pop("restaurant_id")
    with transaction.atomic():
        Restaurant.objects.get_or_create(guid=guid)
        connection = _locked(guid)
        if connection is None:
            try:
                with transaction.atomic():
                    _create(guid, fields, moment, removed)
            except IntegrityError:
                # Another worker created it meanwhile (two first events at once): order
                # this record against that one like any other.
                connection = _locked(guid)
            else:
                kind = REMOVED if removed else ADDED
                connection_events.applied(guid, kind, contact_email=fields["created_by_email"])
                return Change(str(guid), kind)
        held = _held(connection)
        if held is not None and moment <= held:
            return _stale(str(guid), moment, held, removed)
        kind = _transition(connection, removed)
        # Every full read (each discovery) lists every connection again: the same
        # record only moves the connection on to this moment.
        changed = _changed(connection, fields)
        if kind == UPDATED and not changed and connection.details == fields["details"]:
            kind = UNCHANGED
        for name, value in {**fields, **_stamp(moment)}.items():
            setattr(connection, name, value)
        connection.save()
        if kind == UNCHANGED:
            return Change(str(guid), UNCHANGED)
        connection_events.applied(
            guid,
            kind,
            fields=changed if kind == UPDATED else (),
            contact_email=connection.created_by_email,
        )
    logger.info("Connection %s %s", guid, kind)
    return Change(str(guid), kind)


def _locked(guid):
    return Connection.objects.select_for_update().filter(restaurant_id=guid).first()


def _create(guid, fields, moment, removed):
    # A removal we never saw connect is kept too: no request goes out for it.
    Connection.objects.create(
        restaurant_id=guid,
        status=Connection.Status.REMOVED if removed else Connection.Status.CONNECTED,
        removed_at=timezone.now() if removed else None,
        **_stamp(moment),
        **fields,
    )


def _held(connection):
    if connection.last_event_at is None:
        return None
    return Moment(connection.last_event_at, connection.last_event_webhook_id or 0)


def _stamp(moment):
    return {"last_event_at": moment.at, "last_event_webhook_id": moment.webhook_id or None}


def _stale(guid, moment, held, removed):
    reason = f"Not applied: the connection already holds the later {held.describe()}."
    if not moment.webhook_id:
        said = "did not list it" if removed else "listed it as connected"
        reason = f"The {moment.describe()} {said}. {reason}"
        # A poll's record has no row of its own: the decision goes on the event that won.
        _note_on_event(
            held.webhook_id, f"The {moment.describe()} {said}; not applied, this event is later."
        )
    logger.info("Connection %s: stale %s (%s)", guid, moment.describe(), reason)
    return Change(guid, STALE, reason)


def _note_on_event(webhook_id, note):
    if not webhook_id:
        return
    event = WebhookEvent.objects.filter(pk=webhook_id).only("outcome").first()
    if event is not None and note not in event.outcome:
        WebhookEvent.objects.filter(pk=webhook_id).update(
            outcome=f"{event.outcome} {note}".strip()[:2000]
        )


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
    guid = as_uuid(value)
    if guid is None:
        raise RecordError(f"{name}: {value!r} is not a GUID")
    return guid


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
        moment = as_instant(iso)
        if moment is None:
            raise RecordError(f"iso{name[0].upper()}{name[1:]}: {iso[:40]!r} is not a time")
        return moment
    if millis is not None:
        raise RecordError(f"{name}: {str(millis)[:40]!r} is not epoch milliseconds")
    return None


def _changed(connection, fields):
    """The partner record's fields that differ from the connection's (the record
    itself, `details`, is kept but not named)."""
    return [
        name
        for name, value in fields.items()
        if getattr(connection, name) != value and name != "details"
    ]
