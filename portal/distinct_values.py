"""The distinct values of an indexed column, read from its index a value at a time."""

from typing import Any

from django.db import connection
from django.db.models import Model


def distinct_values(
    model: type[Model], column: str, start: str, extra: str = ""
) -> list[tuple[Any, ...]]:
    """The distinct values of an indexed column, one index probe each.

    A plain DISTINCT (or GROUP BY) reads every row: 250 ms for the groups and zones
    of 150,000 restaurants on PostgreSQL. Stepping from each value to the next one
    above it (a "loose index scan") reads one index entry a value. `start` is an
    SQL value below every one wanted (empty and null values are left out);
    `extra` adds columns computed from `found.value`.
    """
    table, name = (connection.ops.quote_name(n) for n in (model._meta.db_table, column))
    sql = f"""
        WITH RECURSIVE found(value) AS (
            SELECT (SELECT {name} FROM {table} WHERE {name} > {start} ORDER BY {name} LIMIT 1)
            UNION ALL
            SELECT (SELECT {name} FROM {table} WHERE {name} > found.value ORDER BY {name} LIMIT 1)
            FROM found WHERE found.value IS NOT NULL
        )
        SELECT value{extra} FROM found WHERE value IS NOT NULL"""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()
