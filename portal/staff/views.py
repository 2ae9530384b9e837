"""Staff pages: the restaurant list (with CSV) and the restaurant page, its map and refresh.

Every page needs a signed-in staff user. Pages run a fixed number of queries,
whatever the number of restaurants, services or snapshots.
"""

from collections.abc import Iterable

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from integrations.models import ApiFailure, SyncRun, WebhookEvent
from integrations.sync import availability, enqueue_refresh
from portal.staff import csv_export, filters, web_links, work_views
from portal.staff.access import staff_view
from portal.staff.paging import NarrowPaginator
from restaurants import (
    delivery_map,
    history,
    onboarding,
    payments,
    postal,
    prep_times,
    schedule,
    timeline,
)
from restaurants.models import DaySchedule, Restaurant, Service

PAGE_SIZE = 50
RECENT_ROWS = 20  # API failures and webhook events shown on a restaurant page


@staff_view("restaurants.view_restaurant")
def restaurant_list(request):
    if any("" in values for _, values in request.GET.lists()):
        return _without_empty_parameters(request)
    queryset = filters.apply(Restaurant.objects.all(), request.GET)
    if request.GET.get("format") == "csv":
        return csv_export.response(queryset)
    rows = Restaurant.objects.select_related("connection", "owner")
    searched = bool(request.GET.get("q", "").strip())
    paginator = NarrowPaginator(
        queryset, PAGE_SIZE, lambda keys: rows.filter(pk__in=keys), count_in_pass=searched
    )
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sortless = params.copy()
    sortless.pop("sort", None)
    choices = filters.choices()
    return render(
        request,
        "restaurants/list.html",
        {
            "page": page,
            "params": params.urlencode(),
            "sortless": sortless.urlencode(),
            "filters": request.GET,
            "sort": request.GET.get("sort") or "name",
            "choices": choices,
            # Hundreds of groups: as one join, not a template loop (300 ms of a page's 450).
            "group_options": _options(choices["groups"], request.GET.get("group")),
            "zone_options": _options(((z, z) for z in choices["zones"]), request.GET.get("tz")),
            "total": onboarding.TOTAL,
        },
    )


def _without_empty_parameters(request: HttpRequest) -> HttpResponse:
    """The GET form sends every field, the empty ones too: the list answers at the
    address of the filters that are set, one a bookmark or a colleague can read."""
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        kept.setlist(name, [value for value in values if value != ""])
    query = kept.urlencode()
    return redirect(f"{request.path}?{query}" if query else request.path)


def _options(pairs: Iterable[tuple[str, str]], selected: str | None) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in pairs),
    )


@staff_view("restaurants.view_restaurant")
def restaurant_detail(request, guid):
    services = Service.objects.order_by("position")
    restaurant = get_object_or_404(
        Restaurant.objects.select_related("connection", "owner").prefetch_related(
            Prefetch(
                "day_schedules",
                DaySchedule.objects.prefetch_related(Prefetch("services", services)),
            )
        ),
        pk=guid,
    )
    days = schedule.week(restaurant, restaurant.day_schedules.all())
    area, area_message = delivery_map.delivery_area(restaurant)
    checklist = onboarding.checklist(restaurant)
    refresh_run = _refresh_run(request.GET.get("refresh"))
    return render(
        request,
        "restaurants/detail.html",
        {
            "restaurant": restaurant,
            "connection": restaurant.connection_or_none,
            # No day schedule at all: the platform sent no hours (a prospect, or a
            # payload without its schedules), which is not "closed all week".
            "hours_known": bool(restaurant.day_schedules.all()),
            "days": days,
            "axis": schedule.axis(restaurant.closeout_hour),
            "open_state": _trading(restaurant)
            and schedule.open_state(days, restaurant.time_zone, restaurant.closeout_hour),
            "local_now": schedule.local_now(restaurant.time_zone),
            "address": postal.address_lines(restaurant),
            "phone": postal.phone(restaurant),
            "payment_matrix": payments.matrix(restaurant),
            "order_types": payments.ORDER_TYPES,
            "prep_times": prep_times.rows(restaurant),
            "prep_columns": prep_times.COLUMNS,
            "links": web_links.links(restaurant),
            "area": area,
            "area_message": area_message,
            "history": history.page(restaurant.snapshots.all(), _int(request.GET.get("history"))),
            "failures": ApiFailure.objects.filter(restaurant_guid=guid)[:RECENT_ROWS],
            "events": WebhookEvent.objects.filter(restaurant_guid=guid)[:RECENT_ROWS],
            "recent_rows": RECENT_ROWS,
            "checklist": checklist,
            **work_views.context(request, restaurant, checklist),
            "can_refresh": _can_refresh(request.user, restaurant),
            "refresh_run": refresh_run,
            "refresh_ended": refresh_run is not None and _ended(refresh_run),
            "stale": restaurant.is_stale(),
            "stale_hours": settings.TOAST_STALE_AFTER_HOURS,
        },
    )


def _trading(restaurant):
    """Whether "open now" means anything: connected, its data received, not archived."""
    return restaurant.is_connected() and restaurant.has_data and not restaurant.archived


def _refresh_run(value):
    """The refresh run the page follows (`?refresh=<id>`, where a refresh redirects to)."""
    number = _int(value, None)
    if number is None or not 0 < number < 2**63:  # beyond it the databases raise
        return None
    return SyncRun.objects.filter(pk=number, kind=SyncRun.Kind.REFRESH).first()


def _ended(run):
    return run.status in (SyncRun.Status.FINISHED, SyncRun.Status.FAILED)


def _int(value, default=1):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _can_refresh(user, restaurant):
    """Only connected restaurants are fetched: a removed one keeps its data, untouched."""
    return restaurant.is_connected() and user.has_perm("integrations.add_syncrun")


@staff_view("restaurants.view_restaurant")
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def delivery_map_page(request, guid):
    """The map as a page of its own, shown in the restaurant page's iframe."""
    restaurant = get_object_or_404(Restaurant, pk=guid)
    area, message = delivery_map.delivery_area(restaurant)
    if area is None:
        return HttpResponse(message, content_type="text/plain; charset=utf-8", status=404)
    return HttpResponse(delivery_map.render(restaurant, area, str(request.csp_nonce)))


@staff_view("integrations.add_syncrun")
@require_POST
def refresh(request, guid):
    restaurant = get_object_or_404(Restaurant.objects.select_related("connection"), pk=guid)
    if not _can_refresh(request.user, restaurant):
        messages.error(request, "This restaurant cannot be refreshed (removed, or no permission).")
        return redirect(restaurant)
    run = enqueue_refresh([guid], trigger=SyncRun.Trigger.STAFF, requested_by=request.user)
    timeline.record(
        guid,
        timeline.Kind.REFRESH,
        f"Refresh requested (run #{run.pk}).",
        action="requested",
        actor=request.user,
        details={"run": run.pk},
    )
    # The availability API answers for one restaurant a request: read when asked.
    availability.enqueue_read(guid)
    messages.success(
        request,
        format_html(
            'Refresh queued (run #{}); <a href="{}">the dashboard</a> shows its progress,'
            " and this page updates itself when it finishes.",
            run.pk,
            reverse("dashboard"),
        ),
    )
    return redirect(f"{restaurant.get_absolute_url()}?refresh={run.pk}")


@staff_view("restaurants.view_restaurant")
def refresh_progress(request, guid, run):
    """Where the page's refresh is, for the page to reload itself when it ends."""
    found = _refresh_run(run)
    if found is None:
        raise Http404("No such refresh run.")
    return JsonResponse(
        {
            "status": found.get_status_display().lower(),
            "ended": _ended(found),
            "done": found.done,
            "total": found.total,
        }
    )
