"""Pages of a long list that cost no more deep in the list than at its start.

A plain `LIMIT 50 OFFSET 100000` makes the database build every skipped row in
full (with the list's join and its onboarding figure) only to drop it; page 200
of 50,000 restaurants took 32 s on PostgreSQL. Here the skipping is done by a
narrow query, the primary keys alone in the list's order (an index-only walk
when the order has an index), from whichever end of the list is nearer, so the
last page costs what the first does. Only the page's rows are then read in
full, by their keys: three queries a page (count, keys, rows), whatever the page.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class NarrowPaginator(Paginator):
    def __init__(
        self, object_list: QuerySet[Any], per_page: int, rows: Callable[[list[Any]], Iterable[Any]]
    ) -> None:
        super().__init__(object_list, per_page)
        self.rows = rows

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        keys = self._keys(bottom, top)
        return self._get_page(_in_order(self.rows(keys), keys), number, self)

    def _keys(self, bottom: int, top: int) -> list[Any]:
        if bottom <= self.count - top:
            return list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # Nearer the end: the same order walked backwards (each index read in reverse).
        backwards = self.object_list.reverse().values_list("pk", flat=True)
        return list(backwards[self.count - top : self.count - bottom])[::-1]


def _in_order(rows: Iterable[Any], keys: Sequence[Any]) -> list[Any]:
    position = {key: index for index, key in enumerate(keys)}
    return sorted(rows, key=lambda row: position[row.pk])
