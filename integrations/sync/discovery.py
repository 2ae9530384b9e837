"""Group discovery: every restaurant of every connected management group.

The platform's guide: use a restaurant GUID and its group GUID to list, from
the `groups` endpoint, all restaurants of the group. Those that have not
connected the integration are the prospects onboarding staff go after.
"""

import logging
import threading

from django.conf import settings
from django.db import connections

from integrations.models import SyncRun
from integrations.platform import get_client
from integrations.toast import errors
from restaurants.bulk_insert import insert_missing
from restaurants.models import Connection, Restaurant
from restaurants.values import as_uuid

from . import lifecycle, polling, run_tasks, runs
from .refresh import enqueue_refresh

logger = logging.getLogger(__name__)


@run_tasks.with_heartbeat
def run_discovery(run_id, *, client=None, then_refresh=True):
    """The discovery run `run_id`: a full partners read, group discovery, then a
    refresh of every connected restaurant (of those already known too when discovery
    failed); returns that refresh run."""
    run = SyncRun.objects.get(pk=run_id)
    client = client or get_client()
    try:
        changes = polling.poll(client, full=True, run_id=run_id)
        prospects = discover_groups(client)
    except errors.ToastError as exc:
        runs.finish_failed(run_id, exc)
    else:
        runs.finish(run_id, prospects=len(prospects))
        logger.info("Discovery: %s", summary(len(changes), len(prospects)))
    if not then_refresh:
        return None
    connected = Connection.objects.connected().values_list("restaurant_id", flat=True)
    return enqueue_refresh(connected, trigger=run.trigger, requested_by=run.requested_by)


def summary(changes: int, prospects: int) -> str:
    """What a discovery found, in the words of its log line and of sync_restaurants."""
    return f"{_count(changes, 'connection change')}, {_count(prospects, 'new prospect')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def discover_groups(client):
    """Creates a row for every restaurant of every connected group; returns the new GUIDs.

    The groups are listed TOAST_SYNC_CONCURRENCY at a time (one after another, 3,000
    groups took three minutes), and their new restaurants created in batches."""
    listed = _listed(client, list(_groups_with_one_restaurant()))
    wanted = {}
    for group, guids in listed:
        for guid in guids:
            parsed = as_uuid(guid)
            if parsed is None:
                logger.warning("Group %s listed %r, which is not a GUID", group, guid)
            else:
                wanted.setdefault(str(parsed), group)
    found = []
    pairs = sorted(wanted.items())
    for start in range(0, len(pairs), lifecycle.BATCH):
        found += _create_missing(dict(pairs[start : start + lifecycle.BATCH]))
    return found


def _listed(client, groups):
    """(group, its restaurants' GUIDs) for each group the platform lists; the first
    PlatformUnavailable is raised once every thread has stopped."""
    pending, results, failures = iter(groups), [], []
    lock = threading.Lock()

    def work():
        try:
            while True:
                with lock:
                    item = None if failures else next(pending, None)
                if item is None:
                    return
                group, via = item
                try:
                    guids = client.group_restaurants(group, via)
                except errors.PlatformUnavailable as exc:
                    with lock:
                        failures.append(exc)
                    return
                except errors.ToastError as exc:
                    logger.warning("Could not list management group %s: %s", group, exc)
                    continue
                with lock:
                    results.append((group, guids))
        finally:
            connections.close_all()  # this thread's own database connections

    threads = [
        threading.Thread(target=work, name=f"discovery-{n}")
        for n in range(min(settings.TOAST_SYNC_CONCURRENCY, len(groups)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return results


def _groups_with_one_restaurant():
    pairs = (
        Connection.objects.connected()
        .exclude(management_group_guid=None)
        .order_by("management_group_guid", "restaurant_id")
        .values_list("management_group_guid", "restaurant_id")
    )
    chosen = {}
    for group, restaurant in pairs:
        chosen.setdefault(group, restaurant)
    return chosen.items()


def _create_missing(groups_of):
    """Creates the restaurants of `groups_of` (GUID -> group) not stored yet; returns them."""
    known = {
        str(g) for g in Restaurant.objects.filter(pk__in=groups_of).values_list("pk", flat=True)
    }
    new = sorted(set(groups_of) - known)
    insert_missing(
        Restaurant, [{"guid": guid, "management_group_guid": groups_of[guid]} for guid in new]
    )
    return new
