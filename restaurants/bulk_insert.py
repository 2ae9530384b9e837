"""New rows by the thousand: an insert that skips those already stored, for rows that
set a field or two and leave the rest at their defaults.

bulk_create(ignore_conflicts=True) prepares and quotes every field of every row: a
Restaurant has 65, and a first discovery of 150,000 spent most of its time there
(2,500 bare restaurants: 2.4 s against 0.66 s so). Here the defaults are
prepared once, from the first row, and sent once a statement.
"""

from typing import Any

from django.db import connection, models


def insert_missing(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Inserts `rows` (dicts of the same field names, the key among them), skipping any
    whose key is stored. The other fields take their defaults as the first row has
    them (so no default may differ from row to row but a time of creation)."""
    if not rows:
        return
    given = [model._meta.get_field(name) for name in rows[0]]
    rest = [f for f in model._meta.concrete_fields if f.name not in rows[0]]
    first = model(**rows[0])
    defaults = [f.get_db_prep_save(f.pre_save(first, True), connection) for f in rest]
    limit = connection.features.max_query_params or 65535
    per_statement = max(1, (limit - len(rest)) // len(given))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            params = list(defaults)
            for row in batch:
                made = model(**row)
                params += [f.get_db_prep_save(getattr(made, f.attname), connection) for f in given]
            cursor.execute(_statement(model, given, rest, len(batch)), params)


def _statement(model, given, rest, count):
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in given + rest)
    # VALUES names its columns column1, column2, ... in PostgreSQL and SQLite alike;
    # SQLite needs a WHERE to read ON CONFLICT after a SELECT as the upsert.
    picked = ", ".join([f"column{n + 1}" for n in range(len(given))] + ["%s"] * len(rest))
    row = "(" + ", ".join(["%s"] * len(given)) + ")"
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {picked}"
        f" FROM (VALUES {', '.join([row] * count)}) AS listed WHERE true ON CONFLICT DO NOTHING"
    )
