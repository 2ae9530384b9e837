"""No log line carries the Django secret key, the client secret, the webhook secret or
the access token."""

import logging

import pytest
from django.conf import settings

from integrations.redaction import RedactSecretsFilter
from integrations.toast.tokens import SharedTokens
from integrations.token_store import DatabaseTokenStore

pytestmark = pytest.mark.django_db


def render(message, *args):
    record = logging.LogRecord("test", logging.ERROR, __file__, 1, message, args, None)
    RedactSecretsFilter().filter(record)
    return record.getMessage()


def test_it_redacts_the_client_secret_passed_as_an_argument():
    line = render("login with %s failed", settings.TOAST_CLIENT_SECRET)

    assert settings.TOAST_CLIENT_SECRET not in line
    assert line == "login with [redacted] failed"


def test_it_redacts_the_webhook_secret_inside_the_message():
    line = render(f"bad secret {settings.TOAST_WEBHOOK_SECRET}!")

    assert settings.TOAST_WEBHOOK_SECRET not in line


def test_it_redacts_the_shared_access_token():
    SharedTokens(DatabaseTokenStore()).get(lambda: ("eyJhbGciOiJIUzI1NiJ9.token-value", 60))

    line = render("Authorization: Bearer %s", "eyJhbGciOiJIUzI1NiJ9.token-value")

    assert "token-value" not in line


def test_plain_lines_pass_unchanged():
    assert render("synced %d restaurants", 12) == "synced 12 restaurants"


def test_it_redacts_the_django_secret_key():
    line = render("settings: SECRET_KEY=%s DEBUG=False", settings.SECRET_KEY)

    assert settings.SECRET_KEY not in line
    assert line == "settings: SECRET_KEY=[redacted] DEBUG=False"
