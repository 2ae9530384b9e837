import pytest
from django.db import connections


@pytest.fixture
def live_server(live_server, monkeypatch):
    """pytest-django's live server, leaving no database connection behind.

    The server answers each request in a thread of its own; with persistent
    connections (CONN_MAX_AGE) a thread still parked on a browser's keep-alive
    socket holds its connection past the session, and PostgreSQL then refuses
    to drop the test database. Closing at the end of every request avoids it.
    """
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    return live_server
