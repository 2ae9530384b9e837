"""Alerts: the one way the portal tells people something needs them.

Raising one stores a row the dashboard shows, logs it as an ERROR and mails
the ADMINS; settling marks the open ones of a kind acknowledged, when the
cause has gone (the circuit closed) or a person acted (a halt resumed).
"""

import datetime
import logging
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import mail_admins
from django.utils import timezone

from .models import Alert

logger = logging.getLogger(__name__)


def raise_alert(
    kind: str, title: str, message: str, *, restaurant_guid: uuid.UUID | str | None = None
) -> Alert:
    alert = Alert.objects.create(
        level=Alert.Level.ERROR,
        kind=kind,
        title=title,
        message=message,
        restaurant_guid=restaurant_guid,
    )
    logger.error("%s — %s", title, message)
    mail_admins(title, message, fail_silently=True)
    return alert


def settle(
    kind: str,
    *,
    title: str | None = None,
    at: datetime.datetime | None = None,
    by: AbstractBaseUser | None = None,
) -> int:
    """Acknowledges the open alerts of `kind` (with `title`, if given); how many there were."""
    open_alerts = Alert.objects.filter(kind=kind, acknowledged_at__isnull=True)
    if title is not None:
        open_alerts = open_alerts.filter(title=title)
    return open_alerts.update(acknowledged_at=at or timezone.now(), acknowledged_by=by)
