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
for the page: two queries. Without a search that pass costs more than a count
(it materialises every key), so it is not the default.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window


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
            number = _positive(number)
            keys = self._keys_counting(number)
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

    def _keys_counting(self, number: int) -> list[Any]:
        bottom = (number - 1) * self.per_page
        counted = self.object_list.annotate(matches=Window(Count("pk")))
        found = list(counted.values_list("pk", "matches")[bottom : bottom + self.per_page])
        if found:
            self.__dict__["count"] = found[0][1]  # Paginator.count is a cached_property
        elif number > 1:
            self.validate_number(number)  # past the end: EmptyPage, get_page shows the last
        return [key for key, _ in found]


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
