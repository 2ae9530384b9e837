"""Rows converted before a write transaction begins, and written in few statements.

On SQLite a write transaction holds the one database-wide write lock. The ORM
compiles each statement and converts each value while holding it, and every
statement lets other threads take the interpreter before this one may go on:
with a sync's 16 fetch threads, storing a restaurant held the lock 2.8 ms.
Here the values are converted by the fields themselves (as the ORM does)
before the transaction, and a transaction writes many restaurants with a few
multi-row statements.
"""

import datetime
import uuid

from django.db import DEFAULT_DB_ALIAS, connection, connections


def _quote(name):
    return connection.ops.quote_name(name)


def placeholders(count):
    return ", ".join(["%s"] * count)


class Table:
    """One model's table; `fields` are its columns but the generated primary key."""

    def __init__(self, model):
        self.meta = model._meta
        self.name = _quote(self.meta.db_table)
        self.fields = [field for field in self.meta.concrete_fields if not field.db_returning]
        self._columns = ", ".join(_quote(field.column) for field in self.fields)
        self._plans = [_plan(field) for field in self.fields]

    def row(self, values):
        """The row as converted parameters, in `fields` order; absent fields take defaults."""
        database = connections[DEFAULT_DB_ALIAS]  # the `connection` proxy costs a lookup per use
        return tuple(
            _prepared(field, plan, values, database)
            for field, plan in zip(self.fields, self._plans, strict=True)
        )

    def position(self, field_name):
        return self.fields.index(self.meta.get_field(field_name))

    def key(self, field_name, value):
        """`value` as the database compares and returns it for the field."""
        return self.meta.get_field(field_name).get_db_prep_value(value, connection)

    def insert(self, cursor, rows, *, or_update=()):
        """Multi-row INSERTs; a row whose primary key exists has the fields named in
        `or_update` updated instead (it fails without them)."""
        on_conflict = self._on_conflict(or_update) if or_update else ""
        size = max(1, connection.ops.bulk_batch_size(self.fields, rows))
        for start in range(0, len(rows), size):
            part = rows[start : start + size]
            values = ", ".join([f"({placeholders(len(self.fields))})"] * len(part))
            cursor.execute(
                f"INSERT INTO {self.name} ({self._columns}) VALUES {values}{on_conflict}",
                [value for row in part for value in row],
            )

    def _on_conflict(self, names):
        columns = [self.column(name) for name in names]
        sets = ", ".join(f"{column} = excluded.{column}" for column in columns)
        return f" ON CONFLICT ({_quote(self.meta.pk.column)}) DO UPDATE SET {sets}"

    def column(self, field_name):
        return _quote(self.meta.get_field(field_name).column)


# What the ORM's conversion of a value of the field's own type comes down to, a
# few calls deep (it was most of the cost of a row): the value unchanged, or the
# backend's adapter. None is None for every type here. A foreign key converts as
# its target does.
def _adapt_date(field, value, db):
    return db.ops.adapt_datefield_value(value)


def _adapt_datetime(field, value, db):
    if value.tzinfo is None:  # the ORM warns and assumes the current time zone
        return field.get_db_prep_save(value, db)
    return db.ops.adapt_datetimefield_value(value)


def _adapt_time(field, value, db):
    return db.ops.adapt_timefield_value(value)


def _adapt_uuid(field, value, db):
    return value if db.features.has_native_uuid_field else value.hex


SHORTCUTS = {
    "BooleanField": (bool, None),
    "CharField": (str, None),
    "FloatField": (float, None),
    "IntegerField": (int, None),
    "PositiveSmallIntegerField": (int, None),
    "TextField": (str, None),
    "DateField": (datetime.date, _adapt_date),
    "DateTimeField": (datetime.datetime, _adapt_datetime),
    "TimeField": (datetime.time, _adapt_time),
    "UUIDField": (uuid.UUID, _adapt_uuid),
}
_NO_SHORTCUT = (None, None)


def _plan(field):
    stored = field.target_field if field.is_relation else field
    return SHORTCUTS.get(stored.get_internal_type(), _NO_SHORTCUT)


class Converted:
    """A value already as the database stores it, such as JSON text."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _prepared(field, plan, values, database):
    value = values[field.name] if field.name in values else field.get_default()
    kind, adapt = plan
    if type(value) is kind:
        return value if adapt is None else adapt(field, value, database)
    if value is None and kind is not None:
        return None
    if type(value) is Converted:
        return value.value
    return field.get_db_prep_save(value, database)
