"""The staff dashboard at `/`: the state of onboarding and of the platform link, at a glance."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from integrations.models import (
    Alert,
    CircuitState,
    MaintenanceWindow,
    PollState,
    RequestHalt,
    SyncRun,
    WebhookEvent,
)
from portal.onboarding import my_work
from portal.staff.access import staff_view
from restaurants.models import Restaurant

RECENT = 10


@staff_view("restaurants.view_restaurant")
def dashboard(request):
    now = timezone.now()
    maintenance = MaintenanceWindow.objects.filter(ends_at__gt=now).order_by("starts_at")
    halts = list(RequestHalt.objects.filter(status=RequestHalt.Status.HALTED)[:RECENT])
    events = list(WebhookEvent.objects.all()[:RECENT])
    names = restaurant_names(item.restaurant_guid for item in [*halts, *events])
    for item in [*halts, *events]:
        item.restaurant_label = names.get(str(item.restaurant_guid), "")
    return render(
        request,
        "portal/dashboard.html",
        {
            "my_work": my_work.for_user(request.user, now),
            "counts": Restaurant.objects.figures(now),
            "stale_hours": settings.TOAST_STALE_AFTER_HOURS,
            "halts": halts,
            "failing": RequestHalt.objects.filter(status=RequestHalt.Status.FAILING).count(),
            "halted": RequestHalt.objects.filter(status=RequestHalt.Status.HALTED).count(),
            "alerts": Alert.objects.filter(acknowledged_at__isnull=True)[:RECENT],
            "circuit": CircuitState.objects.filter(pk=1).first(),
            "maintenance": maintenance[:RECENT],
            "now": now,
            "poll": PollState.objects.filter(pk=1).first(),
            "events": events,
            "runs": _recent_runs(),
        },
    )


def restaurant_names(guids) -> dict[str, str]:
    """{GUID as text: name} of the restaurants among `guids` whose name is known (its
    RestaurantInfo's, else its connection's record's), in one query."""
    wanted = {guid for guid in guids if guid}
    restaurants = (
        Restaurant.objects.filter(pk__in=wanted)
        .select_related("connection")
        .only("name", "location_name", "connection__restaurant_name")
    )
    names = {}
    for restaurant in restaurants:
        connection = restaurant.connection_or_none
        label = str(restaurant)  # its GUID when it has no name yet
        if label == str(restaurant.guid):
            label = connection.restaurant_name if connection else ""
        if label:
            names[str(restaurant.guid)] = label
    return names


def _recent_runs():
    return list(SyncRun.objects.select_related("requested_by").with_losses()[:RECENT])


@staff_view("integrations.view_syncrun")
def sync_progress(request):
    """The latest runs, for the dashboard's live table: their figures, and the table's
    rows as the dashboard renders them (so a run that started later shows up too)."""
    runs = _recent_runs()
    return JsonResponse(
        {
            "runs": [
                {
                    "id": run.pk,
                    "status": run.status,
                    "status_label": run.get_status_display(),
                    "percent": run.percent,
                    "done": run.done,
                    "total": run.total,
                    "changed": run.changed,
                    "unchanged": run.unchanged,
                    "failed": run.failed,
                    "halted": run.halted,
                    "skipped": run.skipped,
                    "prospects": run.prospects,
                }
                for run in runs
            ],
            "rows": render_to_string("portal/_sync_run_rows.html", {"runs": runs}, request),
        }
    )
