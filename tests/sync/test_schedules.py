"""The schedules that keep the data fresh, created idempotently with the configured intervals."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

pytestmark = pytest.mark.django_db


def test_schedules_follow_the_settings_and_are_not_duplicated(settings):
    settings.TOAST_POLL_INTERVAL_MINUTES = 90
    for _ in range(2):
        call_command("setup_schedules", stdout=io.StringIO())
    schedules = {s.func: s for s in Schedule.objects.all()}
    assert len(schedules) == Schedule.objects.count() == 3
    assert schedules["integrations.tasks.scheduled_poll"].minutes == 90
    assert schedules["integrations.tasks.scheduled_refresh"].minutes == 1440
    assert all(s.repeats == -1 for s in schedules.values())
    # The first poll comes one interval after start-up, which queues its own discovery.
    poll = schedules["integrations.tasks.scheduled_poll"]
    assert poll.next_run > timezone.now() + timezone.timedelta(minutes=80)
