"""Every database test may use every database: the rate-limit budgets have one of
their own on SQLite (portal/routers.py), and any test that reaches the platform
takes from them."""

import time

import pytest
from django.db import connections

pytest_plugins = ["tests.fixtures"]


def pytest_collection_modifyitems(items):
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and "databases" not in marker.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marker.args, databases="__all__", **marker.kwargs)
            )


OTHER_SESSIONS_SQL = (
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, dropped once the processes the tests started
    (queue workers, their children) have closed their connections: PostgreSQL drops
    a database only when no one uses it. A connection this process left open never
    goes, and still fails the run (pyproject's filterwarnings)."""
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            if connections[alias].vendor == "postgresql":
                _wait_until_alone(connections[alias])


def _wait_until_alone(database, seconds=5):
    deadline = time.monotonic() + seconds
    with database.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(OTHER_SESSIONS_SQL)
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
