"""Restaurant search, ignoring case and accents ("cafe" finds "Café"), the same on
SQLite and PostgreSQL.

Two SQL functions carry the rule, so a query and an index agree on it:
`fold_text(text)` (lower case, accents removed) and `search_text(a, b, ...)` (the
non-null values joined by spaces, folded). On PostgreSQL they are SQL functions
over the `unaccent` extension, created by migration 0007 with a trigram index on
each table's search text, so a search reads the index rather than every row. On
SQLite the same names are Python functions registered on every connection.
On PostgreSQL each table also stores its search text in a generated column
(migration 0013), which its trigram index is built on and a search reads.
"""

import unicodedata
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from restaurants.values import as_uuid

# The columns a search reads, in the order the indexes were built with (0007).
RESTAURANT_COLUMNS = ("name", "location_name", "location_code", "city")
CONNECTION_COLUMNS = (
    "restaurant_name",
    "location_name",
    "external_restaurant_ref",
    "external_group_ref",
)


def fold(text: str | None) -> str | None:
    """`text` in lower case without accents: SQLite's `fold_text`."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _search_text(*values: str | None) -> str | None:
    return fold(" ".join(value for value in values if value is not None))


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Gives a new SQLite connection the functions PostgreSQL has from the migration."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function("fold_text", 1, fold, deterministic=True)
        for count in (len(RESTAURANT_COLUMNS) + 1, len(CONNECTION_COLUMNS) + 1):
            raw.create_function("search_text", count, _search_text, deterministic=True)


def restaurant_text() -> Func:
    """The restaurant's search text, as its trigram index is built (with its GUID)."""
    columns = [F(name) for name in RESTAURANT_COLUMNS]
    return Func(
        *columns, Cast("guid", TextField()), function="search_text", output_field=TextField()
    )


def connection_text() -> Func:
    """The connection's search text: the partner's names and external references."""
    columns = [F(name) for name in CONNECTION_COLUMNS]
    return Func(*columns, Value(None), function="search_text", output_field=TextField())


def matching(text: str) -> Q:
    """Restaurants whose name, location, code, city, GUID or connection record holds `text`."""
    if connection.vendor == "postgresql":
        return Q(pk__in=_stored_matches(text))
    from restaurants.models import Connection, Restaurant

    folded = Func(Value(text), function="fold_text", output_field=TextField())
    by_restaurant = Restaurant.objects.alias(text=restaurant_text()).filter(text__contains=folded)
    by_connection = Connection.objects.alias(text=connection_text()).filter(text__contains=folded)
    # Two subqueries, each answered by its own index; an OR across the join would
    # read every row.
    query = Q(pk__in=by_restaurant.values("pk")) | Q(pk__in=by_connection.values("restaurant_id"))
    guid = as_uuid(text)
    if guid:
        query |= Q(pk=guid)
    return query


def _stored_matches(text: str) -> RawSQL:
    """The GUIDs matching `text` on PostgreSQL, from the stored search texts, as one
    set: a union the list's query joins, where an OR of two subqueries made it probe
    both for each of the 150,000 restaurants (100 ms of a common word's 350)."""
    from restaurants.models import Connection, Restaurant

    escaped = connection.ops.prep_for_like_query(text)
    contains = "search_document LIKE '%%' || fold_text(%s) || '%%'"
    sql = (
        f"SELECT guid FROM {Restaurant._meta.db_table} WHERE {contains}"
        f" UNION SELECT restaurant_id FROM {Connection._meta.db_table} WHERE {contains}"
    )
    params: list[Any] = [escaped, escaped]
    guid = as_uuid(text)
    if guid:
        sql += " UNION SELECT %s::uuid"
        params.append(str(guid))
    return RawSQL(sql, params)
