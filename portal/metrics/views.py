"""The onboarding metrics page (/onboarding/metrics/): each figure as a chart, its
numbers in a table beside it, and a CSV download (`?csv=<figure>`)."""

import csv
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portal.metrics import charts
from portal.staff.access import staff_view
from restaurants import metrics

WEEKS = 12
MONTHS = 12
STUCK_ROWS = 50
Table = tuple[Sequence[str], list[Sequence[Any]]]


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _stages() -> Table:
    return ("Stage", "Restaurants"), [(row.label, row.value) for row in metrics.stages_now()]


def _funnel() -> Table:
    rows = metrics.funnel()
    first = rows[0].value or 0
    table = [
        (row.label, row.value, f"{(row.value or 0) / first:.0%}" if first else "—") for row in rows
    ]
    return ("Step", "Restaurants that reached it", "Of those connected"), table


def _time(period: str, count: int) -> Callable[[], Table]:
    def table() -> Table:
        fmt = "%Y-%m" if period == "month" else "%Y-%m-%d"
        spans = metrics.time_to_live(period, count)
        heading = "Month" if period == "month" else "Week of"
        return (heading, "Went live", "Median days", "90th percentile days"), [
            (span.period.strftime(fmt), span.count, _days(span.median_days), _days(span.p90_days))
            for span in spans
        ]

    return table


def _weekly() -> Table:
    return ("Week of", "New connections", "Removals"), [
        (week.isoformat(), started, removed)
        for week, started, removed in metrics.weekly_flow(WEEKS)
    ]


def _stuck() -> Table:
    return ("Stage", "Stuck restaurants"), [
        (row.label, row.value) for row in metrics.stuck_by_stage()
    ]


FIGURES: dict[str, tuple[str, Callable[[], Table]]] = {
    "stages": ("Restaurants per stage now", _stages),
    "funnel": ("Funnel from connected to live", _funnel),
    "time-week": ("Time from connected to live, by week", _time("week", WEEKS)),
    "time-month": ("Time from connected to live, by month", _time("month", MONTHS)),
    "stuck": ("Restaurants stuck in a stage", _stuck),
    "weekly": ("New connections and removals per week", _weekly),
}


@staff_view("restaurants.view_restaurant")
def metrics_page(request: HttpRequest) -> HttpResponse:
    wanted = request.GET.get("csv")
    if wanted in FIGURES:
        return _csv(wanted, *FIGURES[wanted][1]())
    tables = {key: (title, *make()) for key, (title, make) in FIGURES.items()}
    now = timezone.now()
    stuck = metrics.longest_stuck(STUCK_ROWS, now)
    return render(
        request,
        "metrics/page.html",
        {
            "figures": [
                {
                    "key": key,
                    "title": title,
                    "head": head,
                    "rows": rows,
                    "chart": _chart(key, title, rows),
                }
                for key, (title, head, rows) in tables.items()
            ],
            "stuck": stuck,
            "stuck_days": settings.ONBOARDING_STUCK_AFTER_DAYS,
            "stuck_rows": STUCK_ROWS,
            "now": now,
        },
    )


def _chart(key: str, title: str, rows: list[Sequence[Any]]) -> str:
    chart_id = f"chart-{key}"
    if key in ("time-week", "time-month"):
        return charts.columns(
            chart_id,
            title,
            [row[0] for row in rows],
            [
                charts.Series("Median", [row[2] for row in rows], "series-a"),
                charts.Series("90th percentile", [row[3] for row in rows], "series-b"),
            ],
            unit=" d",
        )
    if key == "weekly":
        return charts.columns(
            chart_id,
            title,
            [row[0] for row in rows],
            [
                charts.Series("New connections", [row[1] for row in rows], "series-a"),
                charts.Series("Removals", [row[2] for row in rows], "series-c"),
            ],
        )
    css = "series-c" if key == "stuck" else "series-a"
    return charts.bars(chart_id, title, [(row[0], row[1]) for row in rows], css=css)


def _csv(key: str, head: Sequence[str], rows: list[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="onboarding-{key}.csv"'
    response.write("\ufeff")  # spreadsheets read UTF-8 only after a byte-order mark
    writer = csv.writer(response)
    writer.writerow(head)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return response
