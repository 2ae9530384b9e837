"""Group discovery: every restaurant of every connected management group.

The platform's guide: use a restaurant GUID and its group GUID to list, from
the `groups` endpoint, all restaurants of the group. Those that have not
connected the integration are the prospects onboarding staff go after.
"""

import logging

from django.core.exceptions import ValidationError

from restaurants.models import Connection, Restaurant

from ..toast import errors

logger = logging.getLogger(__name__)


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
        try:
            wanted.add(str(Restaurant._meta.pk.to_python(guid)))
        except ValidationError:
            logger.warning("Group %s listed %r, which is not a GUID", group, guid)
    known = {str(g) for g in Restaurant.objects.filter(pk__in=wanted).values_list("pk", flat=True)}
    new = sorted(wanted - known)
    Restaurant.objects.bulk_create(
        [Restaurant(guid=guid, management_group_guid=group) for guid in new],
        ignore_conflicts=True,
    )
    return new
