"""The staff restaurant list: search, filters and sorting from the query string."""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from restaurants import onboarding
from restaurants.models import Connection

SORTS = {
    "name": "name",
    "-name": "-name",
    "city": "city",
    "fetched": "last_fetched_at",
    "-fetched": "-last_fetched_at",
    "changed": "last_changed_at",
    "-changed": "-last_changed_at",
    "progress": "onboarding_done",
    "-progress": "-onboarding_done",
}
STATUSES = [("connected", "Connected"), ("removed", "Removed"), ("prospect", "Prospect")]
FRESHNESS = [("fresh", "Fresh"), ("stale", "Stale"), ("never", "Never fetched")]
YES_NO = [("yes", "Yes"), ("no", "No")]


def apply(queryset, params):
    """The filtered, sorted queryset and the filters in effect."""
    queryset = onboarding.annotate_progress(queryset)
    search = params.get("q", "").strip()
    if search:
        queryset = queryset.filter(_search(search))
    queryset = _status(queryset, params.get("status"))
    for name, field in (("group", "management_group_guid"), ("tz", "time_zone")):
        if params.get(name):
            queryset = queryset.filter(**{field: params[name]})
    for name, field in (("delivery", "delivery_enabled"), ("ordering", "online_ordering_enabled")):
        if params.get(name) in ("yes", "no"):
            queryset = queryset.filter(**{field: params[name] == "yes"})
    queryset = _freshness(queryset, params.get("freshness"))
    if params.get("errors") == "yes":
        queryset = queryset.exclude(last_error="")
    queryset = onboarding.filter_progress(queryset, params.get("progress"))
    order = SORTS.get(params.get("sort"), "name")
    return queryset.order_by(order, "guid")


def _search(text):
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
        query |= Q(guid__icontains=text)  # Django compares UUIDs without hyphens
    return query


def _status(queryset, status):
    if status == "connected":
        return queryset.filter(connection__status=Connection.Status.CONNECTED)
    if status == "removed":
        return queryset.filter(connection__status=Connection.Status.REMOVED)
    if status == "prospect":
        return queryset.filter(connection__isnull=True)
    return queryset


def _freshness(queryset, freshness):
    cutoff = timezone.now() - timezone.timedelta(hours=settings.TOAST_STALE_AFTER_HOURS)
    if freshness == "fresh":
        return queryset.filter(last_fetched_at__gte=cutoff)
    if freshness == "stale":
        return queryset.filter(last_fetched_at__lt=cutoff)
    if freshness == "never":
        return queryset.filter(last_fetched_at__isnull=True)
    return queryset
