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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from integrations.models import WebhookEvent
from restaurants import connection_events, strict_json
from restaurants.bulk_insert import insert_missing
from restaurants.bulk_update import save_fields
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
# Records applied in one transaction (apply_listed_many): one at a time a first
# discovery made about 100 connections a second on PostgreSQL.
BATCH = 500
# What a record's application may change on a connection (those a batch saves).
SAVED_FIELDS = [
    "status",
    "management_group_guid",
    "restaurant_name",
    "location_name",
    "external_group_ref",
    "external_restaurant_ref",
    "created_by_email",
    "deleted",
    "created_date",
    "modified_date",
    "details",
    "connected_at",
    "removed_at",
    "last_event_at",
    "last_event_webhook_id",
    "updated_at",
]


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


def apply_listed_many(records, started: datetime.datetime) -> tuple[list[Change], list[str]]:
    """apply_listed for each of `records` (in the order listed), a batch in one
    transaction: the same rules, in a few statements rather than a few a record.
    Returns the Changes and why the records that do not match the format were
    skipped."""
    moment = Moment(started - LIST_LAG)
    first, again, problems = {}, [], []
    for record in records:
        try:
            fields = _fields(record)
        except RecordError as exc:
            problems.append(str(exc))
            continue
        if fields["restaurant_id"] in first:
            again.append(record)  # listed twice: ordered against the first like any other
        else:
            first[fields["restaurant_id"]] = fields
    try:
        with transaction.atomic():
            changes = _apply_batch(first, moment)
    except IntegrityError:
        # Another worker created one of them meanwhile: each on its own, which orders it.
        changes = [apply_partner_record(f["details"], moment=moment) for f in first.values()]
    changes += [apply_partner_record(record, moment=moment) for record in again]
    return changes, problems


def _apply_batch(parsed, moment):
    held = _held_connections(list(parsed))
    now = timezone.now()
    created, updated, stamped, changes = [], [], [], []
    events = []  # (guid, change, the fields it changed, the contact's email)
    for guid, fields in parsed.items():
        connection = held.get(guid)
        if connection is None:
            created.append(_new(guid, dict(fields), moment, removed=False))
            change, changed = Change(str(guid), ADDED), []
            contact = fields["created_by_email"]
        else:
            change, changed = _decide(connection, dict(fields), moment, removed=False)
            connection.updated_at = now  # auto_now, which a save of named fields does not set
            contact = connection.created_by_email
            if change.kind == UNCHANGED:
                stamped.append(guid)
            elif change.changed:
                updated.append(connection)
        if change.changed:
            events.append((guid, change, changed, contact))
        changes.append(change)
    Connection.objects.bulk_create(created)
    save_fields(Connection, updated, SAVED_FIELDS)
    Connection.objects.filter(restaurant_id__in=stamped).update(**_stamp(moment), updated_at=now)
    connection_events.applied_many([_event(*event) for event in events])
    for guid, change, _, _ in events:
        logger.info("Connection %s %s", guid, change.kind)
    return changes


def apply_events_many(
    events: Sequence[tuple[Any, Moment, bool]], effects: list
) -> list[Change | RecordError]:
    """apply_partner_record for each (record, moment, removed) of `events` (webhook
    events, in arrival order), together in a few statements: one at a time a drain
    spent 4.1 ms of CPU an event on PostgreSQL, most of it building the same five
    statements. Returns per event its Change, or the RecordError of a record out of
    format (which applies nothing). What the changes leave behind is added to
    `effects`, as apply_partner_record adds it."""
    parsed: list[dict | RecordError] = []
    for record, _, _ in events:
        try:
            parsed.append(_fields(record))
        except RecordError as exc:
            parsed.append(exc)
    applied: list = []
    try:
        with transaction.atomic():
            results = _apply_events(parsed, events, applied)
    except IntegrityError:
        # Another worker created one of them meanwhile: each on its own, which orders it.
        return [_one_event(*event, effects) for event in events]
    effects += applied
    return results


def _apply_events(parsed, events, effects) -> list[Change | RecordError]:
    held = _held_connections(
        list({fields["restaurant_id"] for fields in parsed if isinstance(fields, dict)})
    )
    created, saved, results = {}, set(), []
    for fields, (_, moment, removed) in zip(parsed, events, strict=True):
        if isinstance(fields, RecordError):
            results.append(fields)
            continue
        guid = fields.pop("restaurant_id")
        connection = held.get(guid)
        if connection is None:
            # Later events of the batch find it in `held`, as they would find it saved.
            held[guid] = created[guid] = _new(guid, fields, moment, removed)
            change = Change(str(guid), REMOVED if removed else ADDED)
            _applied(guid, change, [], fields["created_by_email"], effects)
        else:
            change, changed = _decide(connection, fields, moment, removed)
            if change.kind != STALE:
                saved.add(guid)
            if change.changed:
                _applied(guid, change, changed, connection.created_by_email, effects)
        results.append(change)
    now = timezone.now()
    updated = [held[guid] for guid in sorted(saved) if guid not in created]
    for connection in updated:
        connection.updated_at = now  # auto_now, which a save of named fields does not set
    Connection.objects.bulk_create(created.values())
    save_fields(Connection, updated, SAVED_FIELDS)
    return results


def _one_event(record, moment, removed, effects) -> Change | RecordError:
    try:
        return apply_partner_record(record, moment=moment, removed=removed, effects=effects)
    except RecordError as exc:
        return exc


def _held_connections(guids: list[Any]) -> dict[Any, Connection]:
    """The connections of `guids`, locked in key order, with a restaurant made for each
    GUID that has none. Most are known after the first discovery: inserting them all
    again took the most of a full read's time."""
    known = set(Restaurant.objects.filter(pk__in=guids).values_list("pk", flat=True))
    insert_missing(Restaurant, [{"guid": guid} for guid in guids if guid not in known])
    locked = Connection.objects.select_for_update().filter(restaurant_id__in=guids)
    return {c.restaurant_id: c for c in locked.order_by("restaurant_id")}


def remove_unlisted(seen, started: datetime.datetime) -> list[Change]:
    """Removes the connections a full read that started at `started` did not list;
    returns the removals made (a connection a later webhook connected stays)."""
    listed = {as_uuid(guid) for guid in seen}
    known = Connection.objects.values_list("restaurant_id", flat=True).iterator(chunk_size=5000)
    unlisted = [guid for guid in known if guid not in listed]
    changes = []
    # In batches: a database takes a bounded number of parameters in a statement.
    for start in range(0, len(unlisted), BATCH):
        batch = Connection.objects.filter(restaurant_id__in=unlisted[start : start + BATCH])
        # Those removed already only move on to this instant, in one statement: an
        # older partner_added delivered late must not connect them again.
        batch.removed().filter(Q(last_event_at=None) | Q(last_event_at__lt=started)).update(
            last_event_at=started, last_event_webhook_id=None
        )
        changes += [
            apply_partner_record(
                connection.details or {"restaurantGuid": str(connection.restaurant_id)},
                removed=True,
                moment=Moment(started),
            )
            for connection in batch.connected()
        ]
    return [change for change in changes if change.changed]


def apply_partner_record(
    record, *, moment: Moment, removed=False, effects: list | None = None
) -> Change:
    """Creates, updates, re-activates or removes the connection described by `record`,
    unless the connection already holds a later record (see the module's docstring).
    What the change leaves behind (connection_events.py) is recorded at once, or
    added to `effects` for the caller to record with others
    (connection_events.applied_many: one at a time, the stage of each restaurant took
    half of what applying a webhook event cost, 12 ms of 20 ms on PostgreSQL)."""
    fields = _fields(record)
    guid = fields.pop("restaurant_id")
    with transaction.atomic():
        Restaurant.objects.get_or_create(guid=guid)
        connection = _locked(guid)
        if connection is None:
            try:
                with transaction.atomic():
                    _new(guid, fields, moment, removed).save(force_insert=True)
            except IntegrityError:
                # Another worker created it meanwhile (two first events at once): order
                # this record against that one like any other.
                connection = _locked(guid)
            else:
                change = Change(str(guid), REMOVED if removed else ADDED)
                _applied(guid, change, [], fields["created_by_email"], effects)
                return change
        change, changed = _decide(connection, fields, moment, removed)
        if change.kind != STALE:
            connection.save()
        if change.changed:
            _applied(guid, change, changed, connection.created_by_email, effects)
    return change


def _decide(connection, fields, moment, removed) -> tuple[Change, list[str]]:
    """What the record does to `connection`, whose fields it sets (unless stale), and
    the fields it changes."""
    guid = str(connection.restaurant_id)
    held = _held(connection)
    if held is not None and moment <= held:
        return _stale(guid, moment, held, removed), []
    kind = _transition(connection, removed)
    fields.pop("restaurant_id", None)
    # Every full read (each discovery) lists every connection again: the same
    # record only moves the connection on to this moment.
    changed = _changed(connection, fields)
    if kind == UPDATED and not changed and connection.details == fields["details"]:
        kind = UNCHANGED
    for name, value in {**fields, **_stamp(moment)}.items():
        setattr(connection, name, value)
    return Change(guid, kind), changed


def _applied(guid, change, changed, contact_email, effects):
    """The log line and what the change leaves behind (connection_events.py), now or
    in `effects`."""
    event = _event(guid, change, changed, contact_email)
    if effects is None:
        connection_events.applied_many([event])
    else:
        effects.append(event)
    logger.info("Connection %s %s", guid, change.kind)


def _event(guid, change, changed, contact_email):
    fields = tuple(changed) if change.kind == UPDATED else ()
    return connection_events.Applied(guid, change.kind, fields, contact_email)


def _locked(guid):
    return Connection.objects.select_for_update().filter(restaurant_id=guid).first()


def _new(guid, fields, moment, removed):
    # A removal we never saw connect is kept too: no request goes out for it.
    fields.pop("restaurant_id", None)
    return Connection(
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
