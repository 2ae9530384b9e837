"""Change lists that stay usable with 150,000 restaurants and millions of snapshots.

Django's admin counts the whole table on every page, twice when filtered (the
match count and "N total"). `show_full_result_count = False` drops the second;
on PostgreSQL an unfiltered list's count is the planner's estimate
(pg_class.reltuples, kept by autovacuum), which is exact enough for "about N"
and costs nothing, where count(*) reads a whole index.
"""

from functools import cached_property

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections

# Below this an exact count is cheap, and small tables' estimates are coarse.
ESTIMATE_ABOVE = 50_000


class EstimatedCountPaginator(Paginator):
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


class LargeTableAdmin(admin.ModelAdmin):
    show_full_result_count = False
    paginator = EstimatedCountPaginator
