"""The staff restaurant list: search, filters and sorting, read from the query string.

Unknown or malformed values filter nothing, so a hand-edited URL shows the
whole list rather than an error. The definitions of "connected", "stale" and
"has errors" are the model's (RestaurantQuerySet), so the dashboard's figures
and the list they link to always agree.
"""

from typing import Any

from django.db.models import Q
from django.http import QueryDict

from restaurants import onboarding
from restaurants.models import (
    Restaurant,
    RestaurantQuerySet,
    stale_cutoff,
)
from restaurants.values import as_uuid

# value in the URL -> (label, ordering); the first is the default.
SORTS = {
    "name": ("Name A–Z", "name"),
    "-name": ("Name Z–A", "-name"),
    "city": ("City", "city"),
    "-fetched": ("Fetched, newest first", "-last_fetched_at"),
    "fetched": ("Fetched, oldest first", "last_fetched_at"),
    "-changed": ("Changed, newest first", "-last_changed_at"),
    "-progress": ("Onboarding, most done", "-onboarding_done"),
    "progress": ("Onboarding, least done", "onboarding_done"),
}
STATUSES = [("connected", "Connected"), ("removed", "Removed"), ("prospect", "Prospect")]
FRESHNESS = [
    ("fresh", "Fresh"),
    ("stale", "Stale (connected, not fetched in time)"),
    ("never", "Never fetched"),
]
YES_NO = [("yes", "Yes"), ("no", "No")]
BOOLEAN_FILTERS = (("delivery", "delivery_enabled"), ("ordering", "online_ordering_enabled"))


def apply(queryset: RestaurantQuerySet, params: QueryDict) -> RestaurantQuerySet:
    """The filtered, sorted queryset, with `onboarding_done` annotated."""
    queryset = onboarding.annotate_progress(queryset)
    search = params.get("q", "").strip()
    if search:
        queryset = queryset.filter(_search(search))
    queryset = _status(queryset, params.get("status"))
    group = as_uuid(params.get("group"))
    if group:
        queryset = queryset.filter(management_group_guid=group)
    if params.get("tz"):
        queryset = queryset.filter(time_zone=params["tz"])
    for name, field in BOOLEAN_FILTERS:
        if params.get(name) in ("yes", "no"):
            queryset = queryset.filter(**{field: params[name] == "yes"})
    queryset = _freshness(queryset, params.get("freshness"))
    if params.get("errors") == "yes":
        queryset = queryset.with_errors()
    queryset = onboarding.filter_progress(queryset, params.get("progress"))
    return queryset.order_by(sort_field(params.get("sort")), "guid")


def sort_field(value: str | None) -> str:
    return SORTS.get(value or "", SORTS["name"])[1]


def _search(text: str) -> Q:
    query = (
        Q(name__icontains=text)
        | Q(location_name__icontains=text)
        | Q(location_code__icontains=text)
        | Q(city__icontains=text)
        | Q(connection__external_restaurant_ref__icontains=text)
        | Q(connection__external_group_ref__icontains=text)
        | Q(connection__restaurant_name__icontains=text)
    )
    compact = text.replace("-", "").lower()
    if len(compact) >= 8 and all(c in "0123456789abcdef" for c in compact):
        # A GUID or a piece of one (Django handles hyphens on every database).
        query |= Q(guid__icontains=text)
    return query


def _status(queryset: RestaurantQuerySet, status: str | None) -> RestaurantQuerySet:
    if status == "connected":
        return queryset.connected()
    if status == "removed":
        return queryset.removed()
    if status == "prospect":
        return queryset.prospects()
    return queryset


def _freshness(queryset: RestaurantQuerySet, freshness: str | None) -> RestaurantQuerySet:
    cutoff = stale_cutoff()
    if freshness == "fresh":
        return queryset.filter(last_fetched_at__gte=cutoff)
    if freshness == "stale":  # the dashboard's figure: connected restaurants only
        return queryset.stale()
    if freshness == "never":
        return queryset.filter(last_fetched_at__isnull=True)
    return queryset


def choices() -> dict[str, Any]:
    """The values the list's select boxes offer (two queries, whatever the number of rows)."""
    groups = (
        Restaurant.objects.exclude(management_group_guid=None)
        .values_list("management_group_guid", flat=True)
        .distinct()
        .order_by("management_group_guid")
    )
    zones = (
        Restaurant.objects.exclude(time_zone=None)
        .exclude(time_zone="")
        .values_list("time_zone", flat=True)
        .distinct()
        .order_by("time_zone")
    )
    return {
        "statuses": STATUSES,
        "freshness": FRESHNESS,
        "yes_no": YES_NO,
        "progress": onboarding.PROGRESS_CHOICES,
        "sorts": [(value, label) for value, (label, _) in SORTS.items()],
        "groups": list(groups),
        "zones": list(zones),
    }
