"""The schedules that keep the data fresh, created idempotently with the configured intervals."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.models import Schedule

from integrations.models import SyncRun
from integrations.tasks import scheduled_discovery
from restaurants.models import Restaurant
from tests.platform import control

pytestmark = pytest.mark.django_db


def _schedules():
    call_command("setup_schedules", stdout=io.StringIO())
    return {s.func: s for s in Schedule.objects.all()}


def test_schedules_follow_the_settings_and_are_not_duplicated(settings):
    settings.TOAST_POLL_INTERVAL_MINUTES = 90
    settings.TOAST_DISCOVERY_INTERVAL_MINUTES = 720
    _schedules()
    schedules = _schedules()
    assert len(schedules) == Schedule.objects.count() == 9
    assert schedules["integrations.tasks.scheduled_availability"].minutes == 10
    assert schedules["integrations.tasks.scheduled_poll"].minutes == 90
    assert schedules["integrations.tasks.scheduled_refresh"].minutes == 1440
    assert schedules["integrations.tasks.scheduled_discovery"].minutes == 720
    # A lost worker's chunk is noticed within two minutes: a heartbeat 30 s old, swept each minute.
    assert schedules["integrations.tasks.recover_lost_work"].minutes == 1
    # What a lost drain left is applied within a minute (the receiver queues its own).
    assert schedules["integrations.tasks.drain_webhook_events"].minutes == 1
    assert all(s.repeats == -1 for s in schedules.values())
    # The first poll comes one interval after start-up, which queues its own discovery.
    poll = schedules["integrations.tasks.scheduled_poll"]
    assert poll.next_run > timezone.now() + timezone.timedelta(minutes=80)


def test_group_discovery_is_scheduled_daily_by_default():
    discovery = _schedules()["integrations.tasks.scheduled_discovery"]
    assert (discovery.schedule_type, discovery.minutes) == (Schedule.MINUTES, 24 * 60)


def test_every_schedule_resolves_to_a_task_that_takes_no_argument():
    for func, schedule in _schedules().items():
        task = import_string(func)
        assert callable(task), func
        assert (schedule.args or "") == (schedule.kwargs or "") == "", func
        assert task.__code__.co_argcount == 0, func


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_scheduled_discovery_finds_locations_added_to_a_group_later(toast, sim):
    first = control(sim, "GET", "restaurants")[0]
    group = first["managementGroupGuid"]
    scheduled_discovery()  # what the schedule runs
    # A location added to the group later, not connected to the integration.
    added = control(sim, "POST", "restaurants", json={"group": group})["guid"]
    control(sim, "POST", f"restaurants/{added}/remove")  # its webhooks go nowhere here

    scheduled_discovery()

    runs = SyncRun.objects.filter(kind=SyncRun.Kind.DISCOVER, trigger=SyncRun.Trigger.SCHEDULE)
    assert [run.status for run in runs] == [SyncRun.Status.FINISHED] * 2
    assert Restaurant.objects.filter(pk=added, management_group_guid=group).exists()
    assert not SyncRun.objects.filter(kind=SyncRun.Kind.REFRESH).exists()
