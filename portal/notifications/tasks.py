"""The functions django-q2 workers run to tell staff, by dotted path."""

import datetime

from django.utils import timezone

from portal.models import NotificationPreference
from portal.notifications import delivery, events


def notify(entry_ids: list[int], alert_ids: list[int]) -> None:
    """Tells at once whoever asked to be told at once, and the chat webhook."""
    batch = events.load(entry_ids, alert_ids)
    if not batch:
        return
    for preference in delivery.recipients(NotificationPreference.Delivery.IMMEDIATE):
        wanted = delivery.wanted(preference, batch)
        if wanted:
            delivery.email(preference, wanted, digest=False)
    delivery.chat(batch)


def send_digests() -> None:
    """Each digest reader's events since their last digest (a day at first)."""
    now = timezone.now()
    for preference in delivery.recipients(NotificationPreference.Delivery.DIGEST):
        start = preference.last_digest_at or now - datetime.timedelta(days=1)
        wanted = delivery.wanted(preference, events.since(start, now))
        # A digest that could not be sent is tried again, whole, the next day.
        if wanted and not delivery.email(preference, wanted, digest=True):
            continue
        NotificationPreference.objects.filter(pk=preference.pk).update(last_digest_at=now)
