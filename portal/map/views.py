"""All restaurants on one map (/map/): markers coloured by stage, clustered, each
linking to its restaurant's page; a stage filter and a legend with counts.

The page frames the map's own document (/map/frame/, folium), which loads the
markers from /map/markers.json: one query, whatever the number of restaurants.
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.db import connections
from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.clickjacking import xframe_options_sameorigin

from portal.map import document
from portal.staff.access import staff_view
from restaurants.models import Restaurant, Stage

VIEW = "restaurants.view_restaurant"
# A colour per stage; the legend and each marker's popup name the stage too.
COLOURS = {
    Stage.PROSPECT: "#8a94a6",
    Stage.CONNECTED: "#3b7dd8",
    Stage.DATA_RECEIVED: "#7c5cd6",
    Stage.IN_REVIEW: "#f0a33a",
    Stage.LIVE: "#2e9d57",
    Stage.BLOCKED: "#c2453d",
    Stage.REMOVED: "#4a5260",
}
PLACED = Q(latitude__isnull=False, longitude__isnull=False)
# The GUID as text, not made a UUID per row.
GUID_TEXT = Cast("guid", CharField())


def _stages(request: HttpRequest) -> list[str]:
    """The stages asked for (none: all of them); unknown values are ignored."""
    return [stage for stage in request.GET.getlist("stage") if stage in Stage.values]


def _restaurants(stages: list[str]) -> QuerySet[Restaurant]:
    restaurants = Restaurant.objects.all()
    return restaurants.filter(stage__in=stages) if stages else restaurants


@staff_view(VIEW)
def map_page(request: HttpRequest) -> HttpResponse:
    chosen = _stages(request)
    counts = Restaurant.objects.values("stage").annotate(
        placed=Count("pk", filter=PLACED), total=Count("pk")
    )
    by_stage = {row["stage"]: row for row in counts.order_by()}
    legend = [
        {
            "key": stage.value,
            "label": stage.label,
            "colour": COLOURS[stage],
            "placed": by_stage.get(stage.value, {}).get("placed", 0),
            "total": by_stage.get(stage.value, {}).get("total", 0),
            "chosen": not chosen or stage.value in chosen,
        }
        for stage in Stage
    ]
    shown = [row for row in legend if row["chosen"]]
    query = urlencode({"stage": chosen}, doseq=True)
    return render(
        request,
        "map/page.html",
        {
            "legend": legend,
            "placed": sum(row["placed"] for row in shown),
            "unplaced": sum(row["total"] - row["placed"] for row in shown),
            "frame_url": reverse("restaurants-map-frame") + (f"?{query}" if query else ""),
            "filtered": bool(chosen),
        },
    )


@staff_view(VIEW)
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def map_frame(request: HttpRequest) -> HttpResponse:
    query = urlencode({"stage": _stages(request)}, doseq=True)
    url = reverse("restaurants-map-markers") + (f"?{query}" if query else "")
    return HttpResponse(document.render(url, str(request.csp_nonce)))


@staff_view(VIEW)
def markers(request: HttpRequest) -> JsonResponse:
    """[latitude, longitude, stage, id, name, location] per placed restaurant, and the
    stages' labels and colours; names are the platform's text, put on the map as text.

    The rows go to JSON as the database driver gives them (`_rows`), the GUID as
    text (32 hex digits on SQLite, dashed on PostgreSQL: the script reads both),
    the name and the location apart (the script joins them). At 10,000
    restaurants on SQLite, making a UUID of each GUID and joining the names took
    60 of 84 ms; the ORM's iteration over the rows 19 ms where the driver's takes 11.
    """
    placed = _restaurants(_stages(request)).filter(PLACED).order_by()
    columns = ("latitude", "longitude", "stage", GUID_TEXT, "name", "location_name")
    return JsonResponse(
        {
            "stages": {stage.value: [stage.label, COLOURS[stage]] for stage in Stage},
            "restaurants": _rows(placed.values_list(*columns)),
        },
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


def _rows(queryset: QuerySet) -> list[tuple]:
    """The rows of the ORM's own statement for `queryset`, fetched by the driver: fit
    for columns Django converts nothing of (numbers and text, as here)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
