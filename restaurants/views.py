"""Staff pages: the restaurant list (with CSV) and the restaurant page, plus its map and refresh.

Every page needs a signed-in staff user. Pages run a fixed number of queries,
whatever the number of restaurants, services or snapshots.
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from integrations.models import ApiFailure, SyncRun, WebhookEvent
from integrations.sync import enqueue_refresh
from restaurants import delivery_map, filters, history, onboarding, payments, schedule
from restaurants.models import Connection, DaySchedule, Restaurant, Service

staff_required = staff_member_required(login_url="login")
PAGE_SIZE = 50
CSV_COLUMNS = [
    ("GUID", "guid"),
    ("Name", "name"),
    ("Location", "location_name"),
    ("Code", "location_code"),
    ("City", "city"),
    ("State", "state_code"),
    ("Time zone", "time_zone"),
    ("Group", "management_group_guid"),
    ("Status", "connection__status"),
    ("External restaurant ref", "connection__external_restaurant_ref"),
    ("Delivery", "delivery_enabled"),
    ("Online ordering", "online_ordering_enabled"),
    ("Onboarding done", "onboarding_done"),
    ("Last fetched", "last_fetched_at"),
    ("Last changed", "last_changed_at"),
    ("Last error", "last_error"),
]


@staff_required
def restaurant_list(request):
    queryset = filters.apply(Restaurant.objects.select_related("connection"), request.GET)
    if request.GET.get("format") == "csv":
        return _csv(queryset)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "restaurants/list.html",
        {
            "page": page,
            "params": params.urlencode(),
            "filters": request.GET,
            "choices": _filter_choices(),
            "total": onboarding.TOTAL,
            "sorts": filters.SORTS,
        },
    )


def _filter_choices():
    groups = (
        Restaurant.objects.exclude(management_group_guid=None)
        .values_list("management_group_guid", flat=True)
        .distinct()
        .order_by("management_group_guid")
    )
    zones = (
        Restaurant.objects.exclude(time_zone=None)
        .values_list("time_zone", flat=True)
        .distinct()
        .order_by("time_zone")
    )
    return {
        "statuses": filters.STATUSES,
        "freshness": filters.FRESHNESS,
        "yes_no": filters.YES_NO,
        "progress": onboarding.PROGRESS_CHOICES,
        "groups": list(groups),
        "zones": list(zones),
    }


class _Echo:
    def write(self, value):
        return value


def _csv(queryset):
    writer = csv.writer(_Echo())
    fields = [field for _, field in CSV_COLUMNS]
    rows = queryset.values_list(*fields).iterator(chunk_size=2000)
    lines = (writer.writerow(row) for row in rows)
    header = writer.writerow([label for label, _ in CSV_COLUMNS])
    response = StreamingHttpResponse(
        (line for part in ([header], lines) for line in part), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="restaurants.csv"'
    return response


@staff_required
def restaurant_detail(request, guid):
    services = Service.objects.order_by("position")
    restaurant = get_object_or_404(
        Restaurant.objects.select_related("connection").prefetch_related(
            Prefetch(
                "day_schedules",
                DaySchedule.objects.prefetch_related(Prefetch("services", services)),
            )
        ),
        pk=guid,
    )
    days = schedule.week(restaurant, restaurant.day_schedules.all())
    snapshots = list(restaurant.snapshots.order_by("-fetched_at")[: history.HISTORY_LENGTH + 1])
    area, area_message = delivery_map.delivery_area(restaurant)
    return render(
        request,
        "restaurants/detail.html",
        {
            "restaurant": restaurant,
            "connection": _connection(restaurant),
            "days": days,
            "open_state": schedule.open_state(days, restaurant.time_zone, restaurant.closeout_hour),
            "local_now": schedule.local_now(restaurant.time_zone),
            "payment_matrix": payments.matrix(restaurant),
            "order_types": payments.ORDER_TYPES,
            "area": area,
            "area_message": area_message,
            "history": history.changes(snapshots)[: history.HISTORY_LENGTH],
            "failures": ApiFailure.objects.filter(restaurant_guid=guid)[:20],
            "events": WebhookEvent.objects.filter(restaurant_guid=guid)[:20],
            "checklist": onboarding.checklist(restaurant),
            "can_refresh": _can_refresh(request.user, restaurant),
            "stale_hours": settings.TOAST_STALE_AFTER_HOURS,
        },
    )


def _connection(restaurant):
    try:
        return restaurant.connection
    except Connection.DoesNotExist:
        return None


def _can_refresh(user, restaurant):
    connection = _connection(restaurant)
    connected = connection is not None and connection.status == Connection.Status.CONNECTED
    return connected and user.has_perm("integrations.add_syncrun")


@staff_required
@xframe_options_sameorigin
def delivery_map_page(request, guid):
    restaurant = get_object_or_404(Restaurant, pk=guid)
    area, message = delivery_map.delivery_area(restaurant)
    if area is None:
        return HttpResponse(message, content_type="text/plain; charset=utf-8", status=404)
    return HttpResponse(delivery_map.render(restaurant, area))


@staff_required
@require_POST
def refresh(request, guid):
    restaurant = get_object_or_404(Restaurant.objects.select_related("connection"), pk=guid)
    if not _can_refresh(request.user, restaurant):
        messages.error(request, "This restaurant cannot be refreshed (removed, or no permission).")
        return redirect(restaurant)
    run = enqueue_refresh([guid], trigger=SyncRun.Trigger.STAFF, requested_by=request.user)
    messages.success(request, f"Refresh queued (run #{run.pk}); the page shows it when done.")
    return redirect(restaurant)


def counts():
    """The dashboard's restaurant counts, in one query."""
    cutoff = timezone.now() - timezone.timedelta(hours=settings.TOAST_STALE_AFTER_HOURS)
    connected = Q(connection__status=Connection.Status.CONNECTED)
    return Restaurant.objects.aggregate(
        connected=Count("guid", filter=connected),
        removed=Count("guid", filter=Q(connection__status=Connection.Status.REMOVED)),
        prospects=Count("guid", filter=Q(connection__isnull=True)),
        stale=Count(
            "guid",
            filter=connected & (Q(last_fetched_at__lt=cutoff) | Q(last_fetched_at__isnull=True)),
        ),
        errors=Count("guid", filter=~Q(last_error="")),
    )
