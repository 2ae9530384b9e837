"""Change lists that stay usable with 150,000 restaurants and millions of snapshots.

Django's admin counts the whole table on every page, twice when filtered (the
match count and "N total"). `show_full_result_count = False` drops the second;
on PostgreSQL an unfiltered list's count is the planner's estimate
(pg_class.reltuples, kept by autovacuum), which is exact enough for "about N"
and costs nothing, where count(*) reads a whole index.

A page is read by its keys first (portal/staff/paging.py), from the nearer end
of the list: the admin's own `LIMIT 100 OFFSET 149900` built every skipped row
with its joins, and the last page of 150,000 restaurants took 1.6 s. Near the
end of an estimated count the pages are counted back from the real end, so the
last one always holds the last rows.

A filter of a column's values lists them from the column's index (one probe a
value) where Django's reads every row (the restaurants' states: 77 ms).
"""

from functools import cached_property
from typing import Any

from django.contrib import admin
from django.db import connections
from django.db.models import Model, QuerySet

from portal.distinct_values import distinct_values
from portal.staff.paging import NarrowPaginator

# Below this an exact count is cheap, and small tables' estimates are coarse.
ESTIMATE_ABOVE = 50_000


class LargeTablePaginator(NarrowPaginator):
    def __init__(self, object_list: QuerySet[Any], per_page: int, *args: Any, **kwargs: Any):
        # The admin also passes orphans and allow_empty_first_page: pages of a
        # large table never fold their last rows into the page before.
        super().__init__(object_list, per_page, rows=lambda keys: object_list.filter(pk__in=keys))

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        db = connections[queryset.db]
        if db.vendor == "postgresql" and not queryset.query.where:
            with db.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > ESTIMATE_ABOVE:
                return int(row[0])
        return super().count


class IndexedValuesFilter(admin.AllValuesFieldListFilter):
    """The values of an indexed text column, each read from the index (the empty
    choice only if a row has none)."""

    def __init__(self, field, request, params, model: type[Model], model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        values = [value for (value,) in distinct_values(model, field.column, start="''")]
        empty = model._default_manager.filter(**{f"{field_path}__isnull": True}).exists()
        self.lookup_choices = [*values, None] if empty else values


class LargeTableAdmin(admin.ModelAdmin):
    show_full_result_count = False
    paginator = LargeTablePaginator
