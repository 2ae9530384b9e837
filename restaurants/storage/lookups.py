"""Reads of restaurants' tables that other layers compose into statements of their own.

The platform guard asks before every request whether the restaurant is still
connected, in the same query as its own halt lookup (two ORM queries cost
more CPU than the request itself); it takes that part of the query from here,
so the restaurants' table layout stays the domain's.
"""

import uuid

from restaurants.models import Connection

from .statements import Table

_CONNECTIONS = Table(Connection)

# A scalar subquery: the status of the connection of the restaurant given as its
# one parameter (connection_key), NULL without a connection.
CONNECTION_STATUS_SQL = (
    f"(SELECT {_CONNECTIONS.column('status')} FROM {_CONNECTIONS.name}"
    f" WHERE {_CONNECTIONS.column('restaurant')} = %s)"
)


def connection_key(restaurant_guid: str | uuid.UUID | None) -> object:
    """The parameter of CONNECTION_STATUS_SQL for a restaurant's GUID."""
    return _CONNECTIONS.key("restaurant", restaurant_guid)
