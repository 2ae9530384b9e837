"""The functions django-q2 workers run, by dotted path. Each is short: the work lives in sync/."""

import datetime
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from restaurants import retention
from restaurants.models import Connection

from .budgets import DatabaseBudgets
from .models import ApiFailure, SyncRun, WebhookEvent
from .sync import (
    availability,
    discovery,
    enqueue_refresh,
    lifecycle,
    polling,
    recovery,
    refresh,
    runs,
)
from .toast.availability import AvailabilityError
from .toast.availability import read as read_availability_details

logger = logging.getLogger(__name__)

RETENTION_DAYS = 90
EVENT_TYPES = {"partner_added", "partner_updated", "partner_removed"}
AVAILABILITY_CATEGORY = "restaurant_availability"


def poll(run_id: int) -> None:
    polling.run_poll(run_id)


def discover(run_id: int, then_refresh: bool = True) -> None:
    discovery.run_discovery(run_id, then_refresh=then_refresh)


def refresh_chunk(run_id: int, guids: list[str], chunk_id: int | None = None) -> None:
    refresh.refresh_chunk(run_id, guids, chunk_id=chunk_id)


def recover_lost_work() -> None:
    swept = recovery.sweep()
    if swept.lost_chunks or swept.lost_tasks or swept.abandoned_runs:
        logger.warning("Housekeeping: %s", swept)


def scheduled_poll() -> None:
    runs.sweep_abandoned()
    run = runs.start(SyncRun.Kind.POLL, SyncRun.Trigger.SCHEDULE, status=SyncRun.Status.RUNNING)
    polling.run_poll(run.pk)


def scheduled_discovery() -> None:
    # Without the refresh: the refresh schedule does that, on its own interval.
    run = runs.start(SyncRun.Kind.DISCOVER, SyncRun.Trigger.SCHEDULE, status=SyncRun.Status.RUNNING)
    discovery.run_discovery(run.pk, then_refresh=False)


def scheduled_refresh() -> None:
    connected = Connection.objects.connected().values_list("restaurant_id", flat=True)
    enqueue_refresh(connected, trigger=SyncRun.Trigger.SCHEDULE)


def read_availability(guid: str) -> None:
    availability.read_from_platform(guid)


def scheduled_availability() -> None:
    read = availability.reread_offline()
    if read:
        logger.info("Read the availability of %d offline restaurants again", read)


def process_webhook_event(event_id: int) -> None:
    """Applies a stored partners webhook event to its connection, in the order of the
    events' own timestamps (see sync/lifecycle.py); a stale one says why on its row."""
    event = WebhookEvent.objects.get(pk=event_id)
    if event.status in (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.STALE):
        return
    if event.event_category == AVAILABILITY_CATEGORY:
        _process_availability(event)
        return
    if event.event_type not in EVENT_TYPES:
        # Open enums: a new event type is kept for staff to see, never guessed at.
        unknown = f"Not applied: unknown event type {event.event_type!r}"
        _mark(event, WebhookEvent.Status.FAILED, error=unknown)
        return
    removed = event.event_type == "partner_removed"
    try:
        # One transaction: a worker killed in between leaves neither the change
        # nor the mark, and the event is applied again, once.
        with transaction.atomic():
            change = lifecycle.apply_partner_record(
                event.payload["details"], moment=lifecycle.webhook_moment(event), removed=removed
            )
            if change.kind == lifecycle.STALE:
                _mark(event, WebhookEvent.Status.STALE, outcome=change.reason)
            else:
                _mark(event, WebhookEvent.Status.PROCESSED, outcome=f"Connection {change.kind}.")
    except lifecycle.RecordError as exc:
        _mark(event, WebhookEvent.Status.FAILED, error=str(exc))
        return
    if change.needs_refresh:
        enqueue_refresh([change.guid], trigger=SyncRun.Trigger.WEBHOOK)


def _process_availability(event: WebhookEvent) -> None:
    """A `restaurant_availability` event: its `details` say the availability, whatever
    the eventType (the published example shows `availability_offline` alone)."""
    try:
        reading = read_availability_details(event.payload["details"])
    except AvailabilityError as exc:
        _mark(event, WebhookEvent.Status.FAILED, error=f"Not applied: {exc}")
        return
    with transaction.atomic():  # as for partner events: the change and its mark, or neither
        applied = availability.apply(
            str(event.restaurant_guid),
            reading,
            moment=lifecycle.webhook_moment(event),
            source=availability.Source.WEBHOOK,
        )
        status = WebhookEvent.Status.STALE if applied.stale else WebhookEvent.Status.PROCESSED
        _mark(event, status, outcome=applied.outcome)


def prune_history() -> None:
    """Drops failure and webhook rows older than the retention period, ended sync runs
    older than theirs (`SYNC_RUN_RETENTION_DAYS`), idle rate-limit budgets and the
    snapshots past theirs (`SNAPSHOT_RETENTION_COUNT`, `SNAPSHOT_RETENTION_DAYS`)."""
    now = timezone.now()
    cutoff = now - datetime.timedelta(days=RETENTION_DAYS)
    failures, _ = ApiFailure.objects.filter(occurred_at__lt=cutoff).delete()
    events, _ = WebhookEvent.objects.filter(received_at__lt=cutoff).delete()
    old_runs = now - datetime.timedelta(days=settings.SYNC_RUN_RETENTION_DAYS)
    ended = SyncRun.objects.filter(status__in=[SyncRun.Status.FINISHED, SyncRun.Status.FAILED])
    synced, _ = ended.filter(started_at__lt=old_runs).delete()  # with their chunks
    budgets = DatabaseBudgets().prune_idle(time.time(), settings.TOAST_RATE_LIMIT_WINDOW_SECONDS)
    snapshots = retention.prune(
        now,
        keep=settings.SNAPSHOT_RETENTION_COUNT,
        max_age=datetime.timedelta(days=settings.SNAPSHOT_RETENTION_DAYS),
    )
    logger.info(
        "Pruned %d API failures, %d webhook events, %d rows of old sync runs, %d idle budgets, "
        "%d old snapshots",
        failures,
        events,
        synced,
        budgets,
        snapshots,
    )


def _mark(event: WebhookEvent, status: str, *, error: str = "", outcome: str = "") -> None:
    WebhookEvent.objects.filter(pk=event.pk).update(
        status=status, error=error, outcome=outcome, processed_at=timezone.now()
    )
