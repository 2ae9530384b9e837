"""Creates or updates the django-q2 schedules that keep the data fresh (idempotent)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_q.models import Schedule

DAILY = 24 * 60
# Each schedule's task, and its interval: in minutes, or the setting that gives it.
SCHEDULES: dict[str, tuple[str, str | int]] = {
    "Partners poll (webhook safety net)": (
        "integrations.tasks.scheduled_poll",
        "TOAST_POLL_INTERVAL_MINUTES",
    ),
    "Refresh every connected restaurant": (
        "integrations.tasks.scheduled_refresh",
        "TOAST_REFRESH_INTERVAL_MINUTES",
    ),
    "Discover management groups (full partners read)": (
        "integrations.tasks.scheduled_discovery",
        "TOAST_DISCOVERY_INTERVAL_MINUTES",
    ),
    # The guide's fallback for a missed restaurant_availability event: every ten minutes.
    "Read the availability of offline restaurants again": (
        "integrations.tasks.scheduled_availability",
        10,
    ),
    # The receiver queues a drain itself: this applies what a lost drain left.
    "Process webhook events": ("integrations.tasks.drain_webhook_events", 1),
    "Prune old failures and webhook events": ("integrations.tasks.prune_history", DAILY),
    # A dead worker's chunk is noticed within two minutes: see sync/recovery.py.
    "Recover the refresh work of lost workers": ("integrations.tasks.recover_lost_work", 1),
    # The portal's: reminders to restaurants, and staff's daily digest.
    "Remind restaurants of their incomplete checklist": (
        "portal.outreach.tasks.send_reminders",
        "REMINDER_CHECK_MINUTES",
    ),
    "Staff notifications: the daily digest": ("portal.notifications.tasks.send_digests", DAILY),
}


class Command(BaseCommand):
    help = "Create or update the polling, discovery, refresh and housekeeping schedules."

    def handle(self, *args, **options):
        for name, (func, setting) in SCHEDULES.items():
            minutes = getattr(settings, setting) if isinstance(setting, str) else setting
            defaults = {
                "func": func,
                "schedule_type": Schedule.MINUTES,
                "minutes": minutes,
                "repeats": -1,
            }
            Schedule.objects.update_or_create(
                name=name,
                defaults=defaults,
                # A first run one interval from now: start-up queues its own discovery.
                create_defaults={
                    **defaults,
                    "next_run": timezone.now() + timedelta(minutes=minutes),
                },
            )
            self.stdout.write(f"Schedule '{name}': every {minutes} min")
