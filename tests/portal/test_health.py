"""The health check answers without sign-in and says what is failing."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_it_reports_the_database_and_the_cache_as_ok(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
        "instance": "",
    }


def test_it_answers_503_when_the_cache_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set", broken)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failing: ConnectionError"
