"""Logging filters that keep credentials out of every log line."""

import contextlib
import logging

from django.apps import apps
from django.conf import settings

REDACTED = "[redacted]"


def secret_values():
    """The values that must never appear in a log line, an error or a record."""
    from django.core.cache import cache

    values = [settings.TOAST_CLIENT_SECRET, settings.TOAST_WEBHOOK_SECRET]
    # The current access token is shared through the cache by the API client;
    # a broken cache must not break logging. While the apps load (django-axes
    # logs then) no request has used a token, and Django warns on a query.
    if apps.ready:
        with contextlib.suppress(Exception):
            values.append(cache.get("toast:token:access") or "")
    return [value for value in values if value and len(value) >= 8]


def redact(text):
    for value in secret_values():
        text = text.replace(value, REDACTED)
    return text


class RedactSecretsFilter(logging.Filter):
    """Replaces secrets in the rendered message; the record then carries no args."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True
