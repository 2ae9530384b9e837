"""The restaurant list as CSV: the filtered rows, streamed, safe to open in a spreadsheet.

Written for people reading it in a spreadsheet: a byte-order mark first (without
it Excel reads UTF-8 as its local code page, and "Café" arrives garbled), yes/no
for booleans, timestamps in the portal's time zone to the minute, and a status
for every restaurant (a prospect has no connection, and says so).
"""

import csv
import datetime
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from restaurants.models import Connection

COLUMNS = [
    ("GUID", "guid"),
    ("Name", "name"),
    ("Location", "location_name"),
    ("Code", "location_code"),
    ("City", "city"),
    ("State", "state_code"),
    ("Time zone", "time_zone"),
    ("Group", "management_group_guid"),
    ("Status", "connection__status"),
    ("Archived", "archived"),
    ("External restaurant ref", "connection__external_restaurant_ref"),
    ("External group ref", "connection__external_group_ref"),
    ("Delivery", "delivery_enabled"),
    ("Online ordering", "online_ordering_enabled"),
    ("Onboarding done", "onboarding_done"),
    ("Last fetched", "last_fetched_at"),
    ("Last changed", "last_changed_at"),
    ("Last error", "last_error"),
]
# A spreadsheet runs a cell that starts with one of these as a formula, also
# after spaces or line breaks, and some read the full-width forms (U+FF1D and kin)
# as the ASCII ones; the names come from restaurants, so they are defused
# (OWASP "CSV injection"). A cell starting with a tab or CR is defused too.
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")
CHUNK = 2000
BOM = "\ufeff"
STATUSES: dict[str | None, str] = {None: "Prospect", **dict(Connection.Status.choices)}


class _Echo:
    """A file-like object whose write returns the line: csv.writer without a buffer."""

    def write(self, value: str) -> str:
        return value


def response(queryset: QuerySet[Any], filename: str = "restaurants.csv") -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    rows = queryset.values_list(*(field for _, field in COLUMNS)).iterator(chunk_size=CHUNK)
    zone = timezone.get_current_timezone()
    shown: list[Callable[[object], object]] = [
        _status if field == "connection__status" else _cell for _, field in COLUMNS
    ]

    def lines() -> Iterator[str]:
        yield BOM + writer.writerow([_label(label, field, zone) for label, field in COLUMNS])
        for row in rows:
            yield writer.writerow([show(value) for show, value in zip(shown, row, strict=True)])

    answer = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer


def _label(label: str, field: str, zone: datetime.tzinfo) -> str:
    return f"{label} ({zone})" if field.endswith("_at") else label


def _status(value: object) -> object:
    return STATUSES.get(value, value) if value is None or isinstance(value, str) else value


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and _may_run(value):
        return "'" + value
    return value


def _may_run(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula."""
    # NFKC folds the full-width and small forms (U+FF1D, U+FE66) into their ASCII twins.
    first = unicodedata.normalize("NFKC", text.lstrip()[:1])
    return text.startswith(CONTROL_STARTS) or first in FORMULA_STARTS
