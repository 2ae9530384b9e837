"""The webhook's answer as the platform (or a browser led to it) receives it: JSON
under a policy that allows nothing, the security headers of every answer, and a
crash answered and logged the way Django answers any other page's."""

import logging
import uuid

import pytest
from django.test import Client, override_settings

from integrations import webhook_store
from integrations.models import WebhookEvent

from .events import partner_event, post_event

pytestmark = pytest.mark.django_db

RESTAURANT = uuid.UUID("e728cd53-2fa7-4e63-8f8f-93e78ea66b03")


def test_the_answer_is_json_that_loads_frames_and_runs_nothing(client):
    response = post_event(client, partner_event("partner_added", RESTAURANT))
    assert response.status_code == 200
    assert response.json() == {"status": 200, "message": "accepted"}
    assert response["Content-Type"] == "application/json"
    assert response["Content-Length"] == str(len(response.content))
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert not response.cookies  # no session, no CSRF token


def test_a_refusal_carries_the_same_headers(client):
    response = post_event(client, partner_event("partner_added", RESTAURANT), signature="wrong")
    assert response.status_code == 401
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


@override_settings(SECURE_HSTS_SECONDS=3600)
def test_over_https_the_answer_carries_hsts(client):
    response = post_event(client, partner_event("partner_added", RESTAURANT), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=3600;")


def test_a_crash_is_answered_500_and_logged_with_its_path(monkeypatch, caplog):
    def fail(**_):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(webhook_store, "store", fail)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = post_event(
            Client(raise_request_exception=False), partner_event("partner_added", RESTAURANT)
        )
    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /webhooks/toast/partners"
    assert "the database went away" in caplog.text
    assert not WebhookEvent.objects.exists()
