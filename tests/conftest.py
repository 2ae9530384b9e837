"""Every database test may use every database: the rate-limit budgets have one of
their own on SQLite (portal/routers.py), and any test that reaches the platform
takes from them."""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and "databases" not in marker.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marker.args, databases="__all__", **marker.kwargs)
            )
