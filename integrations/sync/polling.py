"""Polling the partners API: the safety net under the webhook.

Reads `connectedRestaurants` page by page (or, where it fails, `/restaurants`:
partners_listing.py) with `lastModified` set to the instant of the last
*successful* poll, so connections changed while webhooks were lost (an outage
on either side) are recovered. A full read (no `lastModified`, as discovery
does) also marks connections the platform no longer lists as removed.
"""

import logging

from django.utils import timezone

from integrations.models import PollState, SyncRun
from integrations.platform import get_client
from integrations.toast import errors

from . import lifecycle, run_tasks, runs
from .partners_listing import PartnersListing
from .refresh import enqueue_refresh

logger = logging.getLogger(__name__)

# A little overlap: a change stamped just before the last poll's start time
# but committed after it (the lists trail the events) is read again, not missed.
OVERLAP = lifecycle.LIST_LAG


@run_tasks.with_heartbeat
def run_poll(run_id, *, client=None, full=False):
    """The poll run `run_id`: reads the partners API, then queues a refresh of the
    restaurants that (re)connected; returns that refresh run."""
    run = SyncRun.objects.get(pk=run_id)
    try:
        changes = poll(client or get_client(), full=full, run_id=run_id)
    except errors.ToastError as exc:
        runs.finish_failed(run_id, exc)
        return None
    runs.finish(run_id)
    fresh = [change.guid for change in changes if change.needs_refresh]
    return enqueue_refresh(fresh, trigger=run.trigger, requested_by=run.requested_by)


def poll(client, *, full=False, run_id=None):
    """Reconciles connections with the partners API; returns the list of Changes. The
    endpoint that served is recorded on the poll state, and it and the connections read
    (listed, or removed as no longer listed) on run `run_id`."""
    state = PollState.current()
    started = timezone.now()
    since = None if full or not state.last_success_at else state.last_success_at - OVERLAP
    PollState.objects.filter(pk=state.pk).update(last_attempt_at=started)
    listing = PartnersListing(client)
    try:
        changes, seen = _read(listing, since, started)
        removed = lifecycle.remove_unlisted(seen, started) if since is None else []
    except Exception as exc:
        _note_source(state, run_id, listing, last_error=str(exc)[:2000])
        raise
    changes += removed
    _note_source(state, run_id, listing, last_success_at=started, last_error="")
    if run_id is not None:
        runs.count_read(run_id, read=len(seen) + len(removed), changed=len(changes))
    logger.info(
        "Partners poll (%s) from %s: %d listed, %d changed",
        f"changes since {since.isoformat(timespec='seconds')}" if since else "full read",
        listing.source,
        len(seen),
        len(changes),
    )
    return changes


def _note_source(state, run_id, listing, **fields):
    source, reason = listing.source, listing.fallback_reason
    PollState.objects.filter(pk=state.pk).update(
        last_source=source, last_fallback_reason=reason, **fields
    )
    if run_id is not None:
        SyncRun.objects.filter(pk=run_id).update(source=source, fallback_reason=reason)


def _read(listing, since, started):
    changes, seen, batch = [], set(), []
    for record in listing.records(since):
        batch.append(record)
        if len(batch) == lifecycle.BATCH:
            _apply(batch, started, changes, seen)
            batch = []
    _apply(batch, started, changes, seen)
    return changes, seen


def _apply(records, started, changes, seen):
    applied, problems = lifecycle.apply_listed_many(records, started)
    for problem in problems:
        logger.warning("Skipped a partner record that does not match the format: %s", problem)
    seen.update(change.guid for change in applied)
    changes.extend(change for change in applied if change.changed)
