"""Charts drawn on the server as SVG: no script, no outside request, readable
without colour (every bar carries its value as text, and a <title> on hover).

Two shapes serve every metric: horizontal bars (one value per label) and
columns (several series over periods). Colours come from CSS classes
(static/css/portal.css), so the strict Content-Security-Policy holds.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

LABEL_WIDTH = 130
BAR_HEIGHT = 26
WIDTH = 640
COLUMN_AREA = 200  # the columns' plot height


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | int | None]
    css: str  # the class that colours it: series-a, series-b, ...


def _f(coordinate: float) -> str:
    return f"{coordinate:.1f}"


def _number(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    return f"{text}{unit}"


def _frame(
    chart_id: str, title: str, description: str, height: int, body: SafeString
) -> SafeString:
    return format_html(
        '<svg class="chart" id="{}" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        chart_id,
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        body,
    )


def bars(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float | int | None]],
    *,
    unit: str = "",
    css: str = "series-a",
) -> SafeString:
    """One horizontal bar per (label, value), scaled to the largest value."""
    largest = max((value or 0 for _, value in rows), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 70
    parts = []
    for index, (label, value) in enumerate(rows):
        y = index * BAR_HEIGHT + 4
        length = max(0.0, (value or 0) / largest * plot)
        parts.append(
            format_html(
                '<g class="bar"><title>{}: {}</title>'
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="3"></rect>'
                '<text class="chart-value" x="{}" y="{}">{}</text></g>',
                label,
                _number(value, unit),
                LABEL_WIDTH - 8,
                y + 15,
                label,
                css,
                LABEL_WIDTH,
                y,
                _f(length),
                BAR_HEIGHT - 8,
                _f(LABEL_WIDTH + length + 6),
                y + 15,
                _number(value, unit),
            )
        )
    description = "; ".join(f"{label}: {_number(value, unit)}" for label, value in rows)
    height = len(rows) * BAR_HEIGHT + 8
    return _frame(chart_id, title, description, height, mark_safe("".join(parts)))


def columns(
    chart_id: str,
    title: str,
    periods: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
) -> SafeString:
    """Groups of columns, one group per period and one column per series, with a legend."""
    largest = max((v or 0 for s in series for v in s.values), default=0) or 1
    left, top = 40, 24
    group = (WIDTH - left - 10) / max(1, len(periods))
    width = max(2.0, (group - 6) / max(1, len(series)))
    parts = [_legend(series), _axis(left, top, largest, unit)]
    for index, period in enumerate(periods):
        x0 = left + index * group + 3
        for number, line in enumerate(series):
            value = line.values[index]
            height = (value or 0) / largest * COLUMN_AREA
            parts.append(
                format_html(
                    '<rect class="{}" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{} {}: {}</title></rect>",
                    line.css,
                    _f(x0 + number * width),
                    _f(top + COLUMN_AREA - height),
                    _f(width - 1),
                    _f(height),
                    line.name,
                    period,
                    _number(value, unit),
                )
            )
        if index % max(1, len(periods) // 6) == 0:  # at most about six period labels
            parts.append(
                format_html(
                    '<text class="chart-label" x="{}" y="{}">{}</text>',
                    _f(x0),
                    top + COLUMN_AREA + 16,
                    period,
                )
            )
    description = "; ".join(
        f"{line.name}: "
        + ", ".join(f"{p} {_number(v, unit)}" for p, v in zip(periods, line.values, strict=True))
        for line in series
    )
    return _frame(chart_id, title, description, top + COLUMN_AREA + 24, mark_safe("".join(parts)))


def _legend(series: Sequence[Series]) -> SafeString:
    return format_html_join(
        "",
        '<rect class="{}" x="{}" y="4" width="12" height="12"></rect>'
        '<text class="chart-label" x="{}" y="15">{}</text>',
        ((line.css, 40 + n * 170, 58 + n * 170, line.name) for n, line in enumerate(series)),
    )


def _axis(left: int, top: int, largest: float, unit: str) -> SafeString:
    """Gridlines at 0, half and the largest value."""
    return format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
        '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (
                left,
                WIDTH - 10,
                _f(top + COLUMN_AREA * (1 - share)),
                _f(top + COLUMN_AREA * (1 - share)),
                left - 4,
                _f(top + COLUMN_AREA * (1 - share) + 4),
                _number(round(largest * share, 1) if share else 0, unit),
            )
            for share in (0, 0.5, 1)
        ),
    )
