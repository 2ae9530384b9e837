"""Hearing of events without slowing down whoever made them.

Timeline entries arrive in batches after their commit (`restaurants.timeline.recorded`),
alerts as each is saved: either way the receiver only enqueues one task for the
batch's notable rows (none when there are none, or nobody listens). A broker that fails to take
the task costs the notification, logged, never the request or the sync.
"""

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_q.tasks import async_task

from integrations.models import Alert
from portal.models import NotificationPreference
from portal.notifications import events
from restaurants import timeline

logger = logging.getLogger(__name__)
TASK = "portal.notifications.tasks.notify"


@receiver(timeline.recorded, dispatch_uid="portal.notifications.entries")
def entries_recorded(sender: Any, entries: list, **kwargs: Any) -> None:
    notable = [entry.pk for entry in entries if events.is_notable(entry)]
    if notable:
        _enqueue(notable, [])


@receiver(post_save, sender=Alert, dispatch_uid="portal.notifications.alerts")
def alert_raised(sender: Any, instance: Alert, created: bool, **kwargs: Any) -> None:
    if created:
        transaction.on_commit(lambda: _enqueue([], [instance.pk]))


def listening() -> bool:
    """Whether anyone hears of events at once: the chat webhook, or a user who asked.
    (Digests read the rows themselves.) Nobody listening, nothing is queued."""
    immediate = NotificationPreference.Delivery.IMMEDIATE
    return bool(settings.NOTIFY_WEBHOOK_URL) or (
        NotificationPreference.objects.filter(delivery=immediate).exists()
    )


def _enqueue(entry_ids: list[int], alert_ids: list[int]) -> None:
    try:
        if not listening():
            return
        async_task(TASK, entry_ids, alert_ids, task_name="Notify staff")
    except Exception:
        logger.exception(
            "Staff notification not queued (entries %s, alerts %s)", entry_ids, alert_ids
        )
