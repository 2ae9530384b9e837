"""Pages of a long list that cost no more deep in the list than at its start.

A plain `LIMIT 50 OFFSET 100000` makes the database build every skipped row in
full (with the list's join and its onboarding figure) only to drop it; page 200
of 50,000 restaurants took 32 s on PostgreSQL. Here the skipping is done by a
narrow query, the primary keys alone in the list's order (an index-only walk
when the order has an index), from whichever end of the list is nearer, so the
last page costs what the first does. Only the page's rows are then read in
full, by their keys: three queries a page (count, keys, rows), whatever the page.

A search is costly to evaluate (each candidate of the trigram index is
rechecked), so with `count_in_pass` the keys query counts the matches itself
(`COUNT(*) OVER ()`) and the search runs once, not once for the count and again
for the page: two queries, whatever the page asked for. A number past the end
(a stale link, a hand-edited URL) gets the last page from that same pass: its
rows are those numbered past the last full page of the count. Without a search
that pass costs more than a count (it materialises every key), so it is not the
default.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, F, QuerySet, Value, Window
from django.db.models.functions import Least, RowNumber


class NarrowPaginator(Paginator):
    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        rows: Callable[[list[Any]], Iterable[Any]],
        count_in_pass: bool = False,
    ) -> None:
        super().__init__(object_list, per_page)
        self.rows = rows
        self.count_in_pass = count_in_pass

    def get_page(self, number: Any) -> Page:
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number: Any) -> Page:
        if self.count_in_pass:
            keys, number = self._keys_counting(_positive(number))
        else:
            number = self.validate_number(number)
            keys = self._keys(number)
        return self._get_page(_in_order(self.rows(keys), keys), number, self)

    def _keys(self, number: int) -> list[Any]:
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom <= self.count - top:
            return list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # Nearer the end: the same order walked backwards (each index read in reverse).
        backwards = self.object_list.reverse().values_list("pk", flat=True)
        return list(backwards[self.count - top : self.count - bottom])[::-1]

    def _keys_counting(self, number: int) -> tuple[list[Any], int]:
        """The keys of page `number`, or of the last page if it is past the end, and
        the number of the page they are."""
        per_page = self.per_page
        last_page_starts_after = (F("matches") - 1) / per_page * per_page  # integer division
        counted = self.object_list.annotate(
            matches=Window(Count("pk")),
            position=Window(RowNumber(), order_by=self.object_list.query.order_by),
        ).filter(position__gt=Least(Value((number - 1) * per_page), last_page_starts_after))
        rows = counted.order_by("position").values_list("pk", "matches", "position")
        found = list(rows[:per_page])
        # Paginator.count is a cached_property: set from the pass, not counted again.
        self.__dict__["count"] = found[0][1] if found else 0
        return [key for key, _, _ in found], (found[0][2] - 1) // per_page + 1 if found else 1


def _positive(number: Any) -> int:
    try:
        number = int(number)
    except (TypeError, ValueError) as error:
        raise PageNotAnInteger("That page number is not an integer") from error
    if number < 1:
        raise EmptyPage("That page number is less than 1")
    return number


def _in_order(rows: Iterable[Any], keys: Sequence[Any]) -> list[Any]:
    position = {key: index for index, key in enumerate(keys)}
    return sorted(rows, key=lambda row: position[row.pk])
