"""Which restaurants are due an automatic reminder, and the pause staff set.

A connected restaurant whose checklist is incomplete is reminded
`REMINDER_AFTER_DAYS` after it connected, then every `REMINDER_EVERY_DAYS`,
at most `REMINDER_MAX` times. Reminders stop when the checklist is complete,
when the restaurant leaves the stages of onboarding (removed, live, blocked)
or when staff pause them. The sending is the portal's (portal/outreach/).
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from restaurants import onboarding, timeline
from restaurants.models import Connection, Restaurant, Stage

# Blocked and live restaurants are staff's to talk to; removed ones left.
REMINDED_STAGES = (Stage.CONNECTED, Stage.DATA_RECEIVED, Stage.IN_REVIEW)


def due(now: datetime.datetime | None = None) -> QuerySet[Restaurant]:
    """The restaurants a reminder is due to now, in one query."""
    now = now or timezone.now()
    waited = now - datetime.timedelta(days=settings.REMINDER_AFTER_DAYS)
    again = now - datetime.timedelta(days=settings.REMINDER_EVERY_DAYS)
    candidates = Restaurant.objects.filter(
        stage__in=REMINDED_STAGES,
        connection__status=Connection.Status.CONNECTED,
        connection__connected_at__lte=waited,
        reminders_paused=False,
        reminders_sent__lt=settings.REMINDER_MAX,
    ).filter(Q(last_reminder_at__isnull=True) | Q(last_reminder_at__lte=again))
    return candidates.filter(onboarding_done__lt=onboarding.TOTAL)


def claim(restaurant: Restaurant, at: datetime.datetime) -> bool:
    """Counts the reminder about to be sent, unless another worker just did (False).
    A failed send counts too, so a bad address is not written to every hour."""
    claimed = Restaurant.objects.filter(
        pk=restaurant.pk, reminders_sent=restaurant.reminders_sent
    ).update(reminders_sent=F("reminders_sent") + 1, last_reminder_at=at)
    return claimed == 1


def set_paused(restaurant: Restaurant, paused: bool, *, by: Any) -> bool:
    """Pauses or resumes the reminders; False if they already were."""
    if restaurant.reminders_paused == paused:
        return False
    with transaction.atomic():
        Restaurant.objects.filter(pk=restaurant.pk).update(reminders_paused=paused)
        timeline.record(
            restaurant.pk,
            timeline.Kind.EMAIL,
            "Automatic reminders paused" if paused else "Automatic reminders resumed",
            action="reminders_paused" if paused else "reminders_resumed",
            actor=by,
            before={"reminders_paused": not paused},
            after={"reminders_paused": paused},
        )
    restaurant.reminders_paused = paused
    return True
