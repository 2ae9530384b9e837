"""Logging filters that keep credentials out of every log line."""

import logging

from django.conf import settings

REDACTED = "[redacted]"


def secret_values():
    """The values that must never appear in a log line, an error or a record."""
    from integrations.toast.tokens import known_values

    values = [
        settings.SECRET_KEY,
        settings.TOAST_CLIENT_SECRET,
        settings.TOAST_WEBHOOK_SECRET,
        # The access tokens this process held: the only ones its lines could carry.
        *known_values(),
    ]
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
