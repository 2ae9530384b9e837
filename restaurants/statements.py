"""SQL for writing a restaurant, made and converted before its transaction begins.

On SQLite a write transaction holds the one database-wide write lock, and the
ORM compiles each statement and converts each value while holding it: with a
sync's 16 writers that lock was the bottleneck (2.8 ms held per restaurant,
2 ms of it Python). These statements are built from the models' metadata and
their values converted by the fields themselves, as the ORM does, so that the
transaction only executes them.
"""

from django.db import connection


def _quote(name):
    return connection.ops.quote_name(name)


def _column_list(fields):
    return ", ".join(_quote(field.column) for field in fields)


class Update:
    """UPDATE of one row by primary key; `execute` returns the number of rows updated."""

    def __init__(self, model, pk, values):
        meta = model._meta
        fields = [meta.get_field(name) for name in values]
        assignments = ", ".join(f"{_quote(field.column)} = %s" for field in fields)
        self.sql = (
            f"UPDATE {_quote(meta.db_table)} SET {assignments} WHERE {_quote(meta.pk.column)} = %s"
        )
        self.params = [field.get_db_prep_save(values[field.name], connection) for field in fields]
        self.params.append(meta.pk.get_db_prep_value(pk, connection))

    def execute(self, cursor):
        cursor.execute(self.sql, self.params)
        return cursor.rowcount


class Insert:
    """INSERT of many rows of one model (fields left out take their defaults).

    `deferred` names a foreign key whose values are known only inside the
    transaction (the ids of rows inserted just before); `execute` takes them.
    """

    def __init__(self, model, rows, *, deferred=None):
        meta = model._meta
        fields = [
            field
            for field in meta.concrete_fields
            if not field.db_returning and field.name != deferred
        ]
        columns = ([meta.get_field(deferred)] if deferred else []) + fields
        placeholders = ", ".join(["%s"] * len(columns))
        self.sql = (
            f"INSERT INTO {_quote(meta.db_table)} ({_column_list(columns)}) VALUES ({placeholders})"
        )
        self.rows = [tuple(_prepared(field, row) for field in fields) for row in rows]

    def execute(self, cursor, deferred_values=()):
        rows = self.rows
        if deferred_values:
            rows = [(value, *row) for value, row in zip(deferred_values, rows, strict=True)]
        if rows:
            cursor.executemany(self.sql, rows)


def _prepared(field, row):
    value = row[field.name] if field.name in row else field.get_default()
    return field.get_db_prep_save(value, connection)


class ChildRows:
    """The rows of `model` under one parent (through `parent_field`), and their
    own children's rows (through `child_model`'s foreign key to `model`)."""

    def __init__(self, model, parent_field, child_model, child_field):
        meta, child_meta = model._meta, child_model._meta
        table, key = _quote(meta.db_table), _quote(meta.get_field(parent_field).column)
        self.delete_children_sql = (
            f"DELETE FROM {_quote(child_meta.db_table)} "
            f"WHERE {_quote(child_meta.get_field(child_field).column)} IN "
            f"(SELECT {_quote(meta.pk.column)} FROM {table} WHERE {key} = %s)"
        )
        self.delete_sql = f"DELETE FROM {table} WHERE {key} = %s"
        self.select_sql = (
            f"SELECT {{column}}, {_quote(meta.pk.column)} FROM {table} WHERE {key} = %s"
        )
        self.meta = meta
        self.parent = meta.get_field(parent_field)

    def delete(self, cursor, parent):
        """Deletes the rows under `parent` and their children (no cascade needed)."""
        params = [self.parent.get_db_prep_value(parent, connection)]
        cursor.execute(self.delete_children_sql, params)
        cursor.execute(self.delete_sql, params)

    def ids_by(self, cursor, parent, field_name):
        """{value of the field: primary key} of the rows under `parent`."""
        sql = self.select_sql.format(column=_quote(self.meta.get_field(field_name).column))
        cursor.execute(sql, [self.parent.get_db_prep_value(parent, connection)])
        return dict(cursor.fetchall())
