"""Rows converted before a write transaction begins, and written in few statements.

Values are converted by the fields themselves, as the ORM does, but a few
calls shorter; why this matters is said in restaurants/storage/__init__.py.
"""

import datetime
import decimal
import functools
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

Row = tuple[Any, ...]  # a row's parameters, in the table's `fields` order
Adapt = Callable[[Any, Any, BaseDatabaseWrapper], Any]
Plan = tuple[type | None, Adapt | None]


def _quote(name: str | None) -> str:
    if name is None:  # a field with no column of its own (a reverse relation)
        raise ValueError("only concrete fields have a column")
    return connection.ops.quote_name(name)


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


class Table:
    """One model's table; `fields` are its columns but the generated primary key."""

    def __init__(self, model: type[models.Model]) -> None:
        self.meta = model._meta
        self.name = _quote(self.meta.db_table)
        self.fields = [field for field in self.meta.concrete_fields if not field.db_returning]
        self._columns = ", ".join(_quote(field.column) for field in self.fields)
        self._plans = [_plan(field) for field in self.fields]

    def row(self, values: Mapping[str, Any]) -> Row:
        """The row as converted parameters, in `fields` order; absent fields take defaults."""
        database = connections[DEFAULT_DB_ALIAS]  # the `connection` proxy costs a lookup per use
        return tuple(
            _prepared(field, plan, values, database)
            for field, plan in zip(self.fields, self._plans, strict=True)
        )

    def position(self, field_name: str) -> int:
        return self.fields.index(self._field(field_name))

    def key(self, field_name: str, value: Any) -> Any:
        """`value` as the database compares and returns it for the field."""
        return self._field(field_name).get_db_prep_value(value, connection)

    def insert(
        self, cursor: CursorWrapper, rows: Sequence[Row], *, or_update: Iterable[str] = ()
    ) -> None:
        """Multi-row INSERTs; a row whose primary key exists has the fields named in
        `or_update` updated instead (it fails without them)."""
        on_conflict = self._on_conflict(or_update) if or_update else ""
        if connection.vendor == "postgresql" and (document := _json_rows(rows)) is not None:
            cursor.execute(self._insert_from_json + on_conflict, [document])
            return
        size = max(1, connection.ops.bulk_batch_size(self.fields, rows))
        for start in range(0, len(rows), size):
            part = rows[start : start + size]
            values = ", ".join([f"({placeholders(len(self.fields))})"] * len(part))
            cursor.execute(
                f"INSERT INTO {self.name} ({self._columns}) VALUES {values}{on_conflict}",
                [value for row in part for value in row],
            )

    @functools.cached_property
    def _insert_from_json(self) -> str:
        """PostgreSQL's INSERT of rows given as one JSON array of arrays. One parameter
        instead of one a value: psycopg converts a statement of more than 50 parameters
        anew each time in Python (its cache holds short ones only), which was 30% of a
        sync worker's interpreter time; json.dumps is C. Each value is cast from its
        text to the column's type without the type's length, so that a value too long
        for its column fails as in a plain INSERT instead of being cut short."""
        values = ", ".join(
            f"(row_->>{position})::{_LENGTH.sub('', str(field.db_type(connection)))}"
            for position, field in enumerate(self.fields)
        )
        return (
            f"INSERT INTO {self.name} ({self._columns}) SELECT {values}"
            " FROM jsonb_array_elements(%s::jsonb) AS row_"
        )

    def _on_conflict(self, names: Iterable[str]) -> str:
        columns = [self.column(name) for name in names]
        sets = ", ".join(f"{column} = excluded.{column}" for column in columns)
        return f" ON CONFLICT ({_quote(self.meta.pk.column)}) DO UPDATE SET {sets}"

    def column(self, field_name: str) -> str:
        return _quote(self._field(field_name).column)

    def _field(self, name: str) -> "models.Field[Any, Any]":
        return cast("models.Field[Any, Any]", self.meta.get_field(name))


_LENGTH = re.compile(r"\(.*\)$")  # varchar(64) -> varchar


def _json_rows(rows: Sequence[Row]) -> str | None:
    """The rows as one JSON document for _insert_from_json; None if a value has no
    text that PostgreSQL reads back exactly (NaN, an adapter object): the caller
    then writes the rows as parameters."""
    try:
        return json.dumps(rows, ensure_ascii=False, allow_nan=False, default=_json_text)
    except (TypeError, ValueError):
        return None


def _json_text(value: Any) -> str:
    """A converted value's text as PostgreSQL's input of its column type reads it."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return f"{value.days} days {value.seconds} seconds {value.microseconds} microseconds"
    raise TypeError(f"no exact text for {type(value).__name__}")


# What the ORM's conversion of a value of the field's own type comes down to, a
# few calls deep (it was most of the cost of a row): the value unchanged, or the
# backend's adapter. None is None for every type here. A foreign key converts as
# its target does.
def _adapt_date(field: Any, value: datetime.date, db: BaseDatabaseWrapper) -> Any:
    return db.ops.adapt_datefield_value(value)


def _adapt_datetime(field: Any, value: datetime.datetime, db: BaseDatabaseWrapper) -> Any:
    if value.tzinfo is None:  # the ORM warns and assumes the current time zone
        return field.get_db_prep_save(value, db)
    return db.ops.adapt_datetimefield_value(value)


def _adapt_time(field: Any, value: datetime.time, db: BaseDatabaseWrapper) -> Any:
    return db.ops.adapt_timefield_value(value)


def _adapt_uuid(field: Any, value: uuid.UUID, db: BaseDatabaseWrapper) -> Any:
    return value if db.features.has_native_uuid_field else value.hex


SHORTCUTS: dict[str, Plan] = {
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
_NO_SHORTCUT: Plan = (None, None)


def _plan(field: Any) -> Plan:
    stored = field.target_field if field.is_relation else field
    return SHORTCUTS.get(stored.get_internal_type(), _NO_SHORTCUT)


class Converted:
    """A value already as the database stores it, such as JSON text."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _prepared(
    field: Any, plan: Plan, values: Mapping[str, Any], database: BaseDatabaseWrapper
) -> Any:
    value = values[field.name] if field.name in values else field.get_default()
    kind, adapt = plan
    if type(value) is kind:
        return value if adapt is None else adapt(field, value, database)
    if value is None and kind is not None:
        return None
    if type(value) is Converted:
        return value.value
    return field.get_db_prep_save(value, database)
