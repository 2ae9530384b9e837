"""Group discovery: every restaurant of every connected management group.

The platform's guide: use a restaurant GUID and its group GUID to list, from
the `groups` endpoint, all restaurants of the group. Those that have not
connected the integration are the prospects onboarding staff go after.
"""

import logging

from integrations.models import SyncRun
from integrations.platform import get_client
from integrations.toast import errors
from restaurants.models import Connection, Restaurant
from restaurants.values import as_uuid

from . import polling, runs
from .refresh import enqueue_refresh

logger = logging.getLogger(__name__)


def run_discovery(run_id, *, client=None, then_refresh=True):
    """The discovery run `run_id`: a full partners read, group discovery, then a
    refresh of every connected restaurant (of those already known too when discovery
    failed); returns that refresh run."""
    run = SyncRun.objects.get(pk=run_id)
    runs.mark_running(run_id)
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
    """Creates a row for every restaurant of every connected group; returns the new GUIDs."""
    found = []
    for group, via in _groups_with_one_restaurant():
        try:
            guids = client.group_restaurants(group, via)
        except errors.PlatformUnavailable:
            raise
        except errors.ToastError as exc:
            logger.warning("Could not list management group %s: %s", group, exc)
            continue
        found += _create_missing(guids, group)
    return found


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


def _create_missing(guids, group):
    wanted = set()
    for guid in guids:
        parsed = as_uuid(guid)
        if parsed is None:
            logger.warning("Group %s listed %r, which is not a GUID", group, guid)
        else:
            wanted.add(str(parsed))
    known = {str(g) for g in Restaurant.objects.filter(pk__in=wanted).values_list("pk", flat=True)}
    new = sorted(wanted - known)
    Restaurant.objects.bulk_create(
        [Restaurant(guid=guid, management_group_guid=group) for guid in new],
        ignore_conflicts=True,
    )
    return new
