"""Stored webhook events applied in batches, by one drain at a time; no task per event.

The receiver (integrations/webhooks.py) stores an event and calls
`request_drain`, which queues a drain task unless one is queued already (a
cache `add`). A drain takes the lock, applies the received events in arrival
order, BATCH to a transaction, until none is left; lets go of the lock and
the "queued" mark; then looks once more, for an event whose receiver found
the mark still there. So every stored event is seen by a drain that starts
or looks after it was stored, and a storm of events costs one task, not one
per event: a task each (django-q's own rows and round trips with it) kept the
queue to about 22 events a second on the loaded 2-core machine. A drain that
finds the lock held leaves: its holder looks again once it lets go. The
"Process webhook events" schedule (every minute) drains whatever a lost task
or an unreachable cache left behind.

Per event, the rules are those of one event at a time (sync/lifecycle.py and
sync/availability.py). Consecutive partner events are applied together
(lifecycle.apply_events_many: a few statements for the run, a record out of
format failing alone); should that fail, or what they leave behind, the batch
is applied again one event at a time, each in a savepoint of its own, so one
that fails (a RecordError, or anything else) is recorded as failed with its
error and the others are applied. The marks are written together at the end of the
batch, in its transaction: a re-delivery's count (the receiver's update of
the same row) waits for that statement only, not for the whole batch.
"""

import itertools
import logging
import secrets
import time
from collections import defaultdict
from collections.abc import Sequence

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_q.tasks import async_task

from integrations import broker
from integrations.models import SyncRun, WebhookEvent
from integrations.toast.availability import AvailabilityError
from integrations.toast.availability import read as read_availability_details
from restaurants import connection_events

from . import availability, lifecycle
from .refresh import enqueue_refresh

logger = logging.getLogger(__name__)

EVENT_TYPES = {"partner_added", "partner_updated", "partner_removed"}
AVAILABILITY_CATEGORY = "restaurant_availability"
# Events a transaction: one commit (a flush on PostgreSQL) for all of them, and
# connections locked no longer than a fraction of a second.
BATCH = 100
QUEUED_KEY = "webhook-drain-queued"
# A queued drain lost with its worker holds the next one off at most this long
# (and the schedule drains meanwhile).
QUEUED_SECONDS = 10
LOCK_KEY = "webhook-drain-running"
# Renewed at each batch: a drain killed mid-batch holds the others off this long.
LOCK_SECONDS = 60
DRAIN_SECONDS = 120
# While events keep coming (a storm), a drain that took all there were waits this long
# before the next batch: a batch's own statements are most of the cost of a batch of a
# few (500 a second for 60 s: 1.4 ms of CPU an event in the queue, 0.53 so).
GATHER_SECONDS = 0.5
FINISHED = (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.STALE)


def request_drain() -> None:
    """After an event is stored: a drain is queued, unless one is and has not started."""
    try:
        if cache.add(QUEUED_KEY, 1, QUEUED_SECONDS):
            async_task("integrations.tasks.drain_webhook_events", broker=broker.shared())
    except Exception:
        # The event is stored: the schedule drains it. Never a 5xx for the platform.
        logger.exception("Could not queue a drain of the webhook events")


def drain() -> int:
    """Applies every received event, BATCH at a time; the number applied. A drain
    that has run for DRAIN_SECONDS queues the next and ends, well within the
    queue's task timeout."""
    applied, ends = 0, time.monotonic() + DRAIN_SECONDS
    while True:
        token = secrets.token_hex(8)
        if not cache.add(LOCK_KEY, token, LOCK_SECONDS):
            return applied
        try:
            while time.monotonic() < ends and (batch := _received(BATCH)):
                applied += apply(batch)
                cache.touch(LOCK_KEY, LOCK_SECONDS)
                if len(batch) < BATCH and _received(1):
                    time.sleep(GATHER_SECONDS)  # events are still coming: wait for more of them
        finally:
            if cache.get(LOCK_KEY) == token:
                cache.delete(LOCK_KEY)
        cache.delete(QUEUED_KEY)  # from here, a new event queues a drain of its own
        if not _received(1):
            return applied
        if time.monotonic() >= ends:
            request_drain()
            return applied


def _received(count: int) -> list[int]:
    """The first `count` events received and not applied, in arrival order."""
    return list(WebhookEvent.objects.received().order_by("pk").values_list("pk", flat=True)[:count])


def apply(event_ids: Sequence[int]) -> int:
    """Applies the events of `event_ids` not applied yet, in arrival order, in one
    transaction; the number applied. New connections are refreshed after it."""
    try:
        return _apply(event_ids, together=True)
    except DatabaseError:
        raise  # the database's, not an event's: the batch is applied again later
    except Exception:
        # What the changes leave behind, recorded together, failed: one at a time,
        # each event's failure is its own.
        logger.exception("Webhook events %s: applied again one at a time", list(event_ids))
        return _apply(event_ids, together=False)


def _apply(event_ids: Sequence[int], *, together: bool) -> int:
    refresh: list[str] = []
    effects: list | None = [] if together else None
    with transaction.atomic():
        events = list(
            WebhookEvent.objects.filter(pk__in=event_ids)
            .exclude(status__in=FINISHED)
            .order_by("pk")
        )
        if effects is None:
            for event in events:
                _apply_one(event, refresh, None)
        else:
            _apply_together(events, refresh, effects)
        if effects:
            # The stage of each restaurant once, as it stands after the batch.
            connection_events.applied_many(effects)
        _write_marks(events)
    if refresh:
        enqueue_refresh(refresh, trigger=SyncRun.Trigger.WEBHOOK)
    return len(events)


def _apply_together(events: list[WebhookEvent], refresh: list[str], effects: list) -> None:
    """Each run of consecutive partner events in a few statements
    (lifecycle.apply_events_many), the other events one at a time: all in arrival order."""
    for partner, run in itertools.groupby(events, key=_is_partner_event):
        if not partner:
            for event in run:
                _apply_one(event, refresh, effects)
            continue
        records, applied = [], []
        for event in run:
            try:
                records.append((event.payload["details"], *_partner_moment(event)))
            except (KeyError, TypeError) as exc:  # stored before the receiver checked
                _failed(event, exc)
                continue
            applied.append(event)
        for event, result in zip(
            applied, lifecycle.apply_events_many(records, effects), strict=True
        ):
            if isinstance(result, lifecycle.RecordError):
                _failed(event, result)
            elif guid := _marked(event, result):
                refresh.append(guid)


def _is_partner_event(event: WebhookEvent) -> bool:
    return event.event_category != AVAILABILITY_CATEGORY and event.event_type in EVENT_TYPES


def _partner_moment(event: WebhookEvent) -> tuple[lifecycle.Moment, bool]:
    """Where the partner event stands in their order, and whether it is a removal."""
    return lifecycle.webhook_moment(event), event.event_type == "partner_removed"


def _apply_one(event: WebhookEvent, refresh: list[str], effects: list | None) -> None:
    """Applies `event` and sets its mark; a failure is its error. lifecycle and
    availability apply a record in a savepoint of its own: a failed one leaves nothing."""
    try:
        guid = _applied(event, effects)
    except Exception as exc:
        if connection.needs_rollback:  # the transaction itself is lost: the batch waits
            raise
        _failed(event, exc)
        return
    if guid:
        refresh.append(guid)


def _failed(event: WebhookEvent, exc: Exception) -> None:
    if not isinstance(exc, (lifecycle.RecordError, AvailabilityError)):
        logger.exception("Webhook event #%s failed", event.pk, exc_info=exc)
    _mark(event, WebhookEvent.Status.FAILED, error=_error(event, exc))


def _applied(event: WebhookEvent, effects: list | None) -> str:
    """Applies `event`, marks it; the restaurant to refresh, if it needs one."""
    if event.event_category == AVAILABILITY_CATEGORY:
        # Its `details` say the availability, whatever the eventType (the published
        # example shows `availability_offline` alone).
        reading = read_availability_details(event.payload["details"])
        done = availability.apply(
            str(event.restaurant_guid),
            reading,
            moment=lifecycle.webhook_moment(event),
            source=availability.Source.WEBHOOK,
        )
        status = WebhookEvent.Status.STALE if done.stale else WebhookEvent.Status.PROCESSED
        _mark(event, status, outcome=done.outcome)
        return ""
    if event.event_type not in EVENT_TYPES:
        # Open enums: a new event type is kept for staff to see, never guessed at.
        unknown = f"Not applied: unknown event type {event.event_type!r}"
        _mark(event, WebhookEvent.Status.FAILED, error=unknown)
        return ""
    moment, removed = _partner_moment(event)
    change = lifecycle.apply_partner_record(
        event.payload["details"], moment=moment, removed=removed, effects=effects
    )
    return _marked(event, change)


def _marked(event: WebhookEvent, change: lifecycle.Change) -> str:
    """Marks `event` with what its `change` did; the restaurant to refresh, if it needs one."""
    if change.kind == lifecycle.STALE:
        _mark(event, WebhookEvent.Status.STALE, outcome=change.reason)
    else:
        _mark(event, WebhookEvent.Status.PROCESSED, outcome=f"Connection {change.kind}.")
    return change.guid if change.needs_refresh else ""


def _error(event: WebhookEvent, exc: Exception) -> str:
    if isinstance(exc, AvailabilityError):
        return f"Not applied: {exc}"
    if isinstance(exc, lifecycle.RecordError):
        return str(exc)
    return f"Not applied: the portal failed on this event ({type(exc).__name__}: {exc})"[:2000]


def _mark(event: WebhookEvent, status: str, *, error: str = "", outcome: str = "") -> None:
    event.status, event.error, event.outcome = status, error, outcome


def _write_marks(events: list[WebhookEvent]) -> None:
    """A statement per distinct mark, most of a batch sharing one ("Connection
    updated."): bulk_update's CASE per row and field cost 13% of a drain's time."""
    marks: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for event in events:
        marks[event.status, event.error, event.outcome].append(event.pk)
    now = timezone.now()
    for (status, error, outcome), ids in marks.items():
        WebhookEvent.objects.filter(pk__in=ids).update(
            status=status, error=error, outcome=outcome, processed_at=now
        )
