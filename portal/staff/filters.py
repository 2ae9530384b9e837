"""The staff restaurant list: search, filters and sorting, read from the query string.

Unknown or malformed values filter nothing, so a hand-edited URL shows the
whole list rather than an error. The definitions of "connected", "stale" and
"has errors" are the model's (RestaurantQuerySet), so the dashboard's figures
and the list they link to always agree.
"""

from typing import Any

from django.db import connection
from django.db.models import F, OrderBy
from django.http import QueryDict

from portal.distinct_values import distinct_values
from restaurants import onboarding, search
from restaurants.models import (
    Connection,
    Restaurant,
    RestaurantQuerySet,
    stale_cutoff,
)
from restaurants.values import as_uuid


def _up(field: str) -> OrderBy:
    return F(field).asc(nulls_last=True)


def _down(field: str) -> OrderBy:
    return F(field).desc(nulls_last=True)


# value in the URL -> (label, ordering); the first is the default. Unknown values
# (a prospect's name, a restaurant never fetched) sort last in either direction,
# and the GUID makes the order total, so a page never repeats a row of another.
# Each ordering has an index of its own (Restaurant.Meta.indexes), which a deep
# page walks instead of sorting every row.
SORTS = {
    "name": ("Name A–Z", (_up("name"), _up("guid"))),
    "-name": ("Name Z–A", (_down("name"), _down("guid"))),
    "city": ("City", (_up("city"), _up("name"), _up("guid"))),
    "-fetched": ("Fetched, newest first", (_down("last_fetched_at"), _down("guid"))),
    "fetched": ("Fetched, oldest first", (_up("last_fetched_at"), _up("guid"))),
    "-changed": ("Changed, newest first", (_down("last_changed_at"), _down("guid"))),
    # The stored count is never null: plain ASC/DESC, as its indexes are built.
    "-progress": ("Onboarding, most done", (F("onboarding_done").desc(), _up("name"), _up("guid"))),
    "progress": ("Onboarding, least done", (F("onboarding_done").asc(), _up("name"), _up("guid"))),
}
STATUSES = [("connected", "Connected"), ("removed", "Removed"), ("prospect", "Prospect")]
FRESHNESS = [
    ("fresh", "Fresh"),
    ("stale", "Stale (connected, not fetched in time)"),
    ("never", "Never fetched"),
]
YES_NO = [("yes", "Yes"), ("no", "No")]
BOOLEAN_FILTERS = (
    ("delivery", "delivery_enabled"),
    ("ordering", "online_ordering_enabled"),
    ("archived", "archived"),
)


def apply(queryset: RestaurantQuerySet, params: QueryDict) -> RestaurantQuerySet:
    """The filtered, sorted queryset."""
    text = params.get("q", "").strip()
    if text:
        queryset = queryset.filter(search.matching(text))
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
    return queryset.order_by(*ordering(params.get("sort")))


def ordering(value: str | None) -> tuple[OrderBy, ...]:
    return SORTS.get(value or "", SORTS["name"])[1]


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
    return {
        "statuses": STATUSES,
        "freshness": FRESHNESS,
        "yes_no": YES_NO,
        "progress": onboarding.PROGRESS_CHOICES,
        "sorts": [(value, label) for value, (label, _) in SORTS.items()],
        "groups": group_choices(),
        "zones": [zone for (zone,) in distinct_values(Restaurant, "time_zone", start="''")],
    }


def group_choices() -> list[tuple[str, str]]:
    """(value, label) of every management group, for a filter's select box."""
    return [_group_choice(*row) for row in _groups()]


def _groups() -> list[tuple[Any, ...]]:
    """Each group of a connection, with one of its restaurant names and external refs."""
    table = connection.ops.quote_name(Connection._meta.db_table)
    one_of = (
        f"(SELECT {{column}} FROM {table} WHERE management_group_guid = found.value"
        " AND {column} <> '' LIMIT 1)"
    )
    extra = ", " + ", ".join(
        one_of.format(column=column) for column in ("restaurant_name", "external_group_ref")
    )
    lowest = "'00000000-0000-0000-0000-000000000000'" if connection.vendor == "postgresql" else "''"
    return sorted(
        distinct_values(Connection, "management_group_guid", start=lowest, extra=extra),
        key=lambda row: (row[1] or "~", str(row[0])),
    )


def _group_choice(value: object, name: str | None, ref: str | None) -> tuple[str, str]:
    """(value, label): the group's restaurant name and external reference where known."""
    guid = str(as_uuid(value))
    label = " · ".join(part for part in (name, ref) if part) or f"Group {guid[:8]}…"
    return guid, label
