"""SQL that only PostgreSQL runs, for migrations: the search's functions, its trigram
indexes and the list's order indexes (SQLite has the functions in Python, and at its
sizes needs none of the indexes)."""

from collections.abc import Callable
from typing import Any


def run_on_postgresql(sql: str) -> Callable[[Any, Any], None]:
    """A RunPython operation that runs `sql` on PostgreSQL, with `{schema}` the current
    schema and `{extensions}` the one the search's extensions live in."""

    def operation(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = cursor.fetchone()[0]
            # Where the extensions live: an existing one may be in another schema.
            cursor.execute(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n"
                " ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
            )
            found = cursor.fetchone()
            extensions = found[0] if found else schema
            cursor.execute(sql.format(schema=schema, extensions=extensions))

    return operation
