"""The functions django-q2 workers run, by dotted path. Each is short: the work lives in sync/."""

import datetime
import logging
import time

from django.conf import settings
from django.utils import timezone

from restaurants import retention
from restaurants.models import Connection

from .budgets import DatabaseBudgets
from .models import ApiFailure, SyncRun, WebhookEvent
from .sync import (
    availability,
    discovery,
    enqueue_refresh,
    polling,
    recovery,
    refresh,
    runs,
    webhook_events,
)

logger = logging.getLogger(__name__)

RETENTION_DAYS = 90


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
    """Applies one stored webhook event (a task of the receiver before the drain; kept
    for those still queued): see sync/webhook_events.py."""
    webhook_events.apply([event_id])


def drain_webhook_events() -> None:
    """Applies every received webhook event, in batches (sync/webhook_events.py)."""
    applied = webhook_events.drain()
    if applied:
        logger.info("Applied %d webhook events", applied)


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
