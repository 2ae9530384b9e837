"""Polls and discoveries as runs: what the queue tasks and the command execute."""

import logging

from integrations.models import SyncRun
from integrations.platform import get_client
from integrations.toast import errors
from restaurants.models import Connection

from . import discovery, polling, runs
from .refresh import enqueue_refresh

logger = logging.getLogger(__name__)


def run_poll(run_id, *, client=None, full=False):
    """Reads the partners API, then queues a refresh of the restaurants that (re)connected."""
    run = SyncRun.objects.get(pk=run_id)
    runs.mark_running(run_id)
    try:
        changes = polling.poll(client or get_client(), full=full, run_id=run_id)
    except errors.ToastError as exc:
        runs.finish(run_id, error=_paused_or_failed(exc))
        return None
    runs.finish(run_id, total=len(changes))
    fresh = [change.guid for change in changes if change.needs_refresh]
    return enqueue_refresh(fresh, trigger=run.trigger, requested_by=run.requested_by)


def run_discovery(run_id, *, client=None, then_refresh=True):
    """Full partners read, group discovery, then a refresh of every connected restaurant:
    of those already known too when discovery failed."""
    run = SyncRun.objects.get(pk=run_id)
    runs.mark_running(run_id)
    client = client or get_client()
    try:
        changes = polling.poll(client, full=True, run_id=run_id)
        prospects = discovery.discover_groups(client)
    except errors.ToastError as exc:
        runs.finish(run_id, error=_paused_or_failed(exc))
    else:
        runs.finish(run_id, total=len(changes) + len(prospects))
        logger.info("Discovery: %d changes, %d new prospects", len(changes), len(prospects))
    if not then_refresh:
        return None
    connected = Connection.objects.connected().values_list("restaurant_id", flat=True)
    return enqueue_refresh(connected, trigger=run.trigger, requested_by=run.requested_by)


def _paused_or_failed(exc):
    if isinstance(exc, errors.PlatformUnavailable):
        return f"Paused, cached data kept: {exc}"
    return str(exc)
