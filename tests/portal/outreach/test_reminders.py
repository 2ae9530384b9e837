"""Automatic reminders on a frozen clock: sent after N days, every K days, at most M,
and stopped by a complete checklist, a removal or staff's pause."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from portal.outreach import reminders as outreach
from restaurants import reminders, stages
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Connection, Restaurant, StatusLink, TimelineEntry
from tests.payloads import load_payload, with_change

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def rules(settings):
    settings.REMINDER_AFTER_DAYS = 3
    settings.REMINDER_EVERY_DAYS = 2
    settings.REMINDER_MAX = 3


@pytest.fixture
def connected_at(onboarding):
    """A frozen clock's start: the restaurant connected then."""
    return Connection.objects.get(restaurant=onboarding).connected_at


def reminder_entries(restaurant):
    return TimelineEntry.objects.filter(restaurant=restaurant, action="reminder").order_by("at")


def test_the_first_reminder_waits_the_days_then_they_come_every_k_days_up_to_m(
    onboarding, connected_at, settings
):
    start = connected_at
    assert outreach.send_due(start + 2 * DAY) == 0  # too early
    assert outreach.send_due(start + 3 * DAY) == 1
    assert outreach.send_due(start + 4 * DAY) == 0  # not again so soon
    assert outreach.send_due(start + 5 * DAY) == 1
    assert outreach.send_due(start + 7 * DAY) == 1
    assert outreach.send_due(start + 30 * DAY) == 0  # capped at REMINDER_MAX

    assert len(mail.outbox) == 3
    assert all(m.to == ["rosa@example.com"] for m in mail.outbox)
    assert mail.outbox[0].subject.startswith("Reminder: ")
    sent = reminder_entries(onboarding)
    assert [e.at for e in sent] == [start + 3 * DAY, start + 5 * DAY, start + 7 * DAY]
    assert all(e.kind == TimelineEntry.Kind.EMAIL and e.actor is None for e in sent)
    onboarding.refresh_from_db()
    assert onboarding.reminders_sent == 3
    # One link, still valid, serves them all, and opens the restaurant's page.
    assert StatusLink.objects.filter(restaurant=onboarding).count() == 1
    path = mail.outbox[-1].body.split(settings.PORTAL_URL)[1].split()[0]
    assert Client().get(path).context["restaurant"] == onboarding


def test_a_complete_checklist_stops_them(onboarding, connected_at):
    assert outreach.send_due(connected_at + 3 * DAY) == 1
    apply_restaurant_info(with_change(load_payload("restaurant_full"), "guid", str(onboarding.pk)))
    stages.follow_platform([onboarding.pk])
    assert outreach.send_due(connected_at + 6 * DAY) == 0
    assert len(mail.outbox) == 1


def test_a_removal_stops_them(onboarding, connected_at):
    Connection.objects.filter(restaurant=onboarding).update(status=Connection.Status.REMOVED)
    stages.follow_platform([onboarding.pk])
    assert Restaurant.objects.get(pk=onboarding.pk).stage == "removed"
    assert outreach.send_due(connected_at + 3 * DAY) == 0
    assert mail.outbox == []


def test_staff_pause_and_resume_them_with_an_audit_entry(
    staff_client, staff_user, onboarding, connected_at
):
    url = f"/restaurants/{onboarding.pk}/reminders/"
    assert staff_client.post(url, {"paused": "1"}).status_code == 302
    assert outreach.send_due(connected_at + 3 * DAY) == 0
    assert staff_client.post(url, {"paused": "0"}).status_code == 302
    assert outreach.send_due(connected_at + 3 * DAY) == 1

    audit = TimelineEntry.objects.filter(restaurant=onboarding, action__startswith="reminders_")
    assert [(e.action, e.actor, e.before, e.after) for e in audit.order_by("at", "pk")] == [
        ("reminders_paused", staff_user, {"reminders_paused": False}, {"reminders_paused": True}),
        ("reminders_resumed", staff_user, {"reminders_paused": True}, {"reminders_paused": False}),
    ]


def test_pausing_twice_writes_one_entry(staff_user, onboarding):
    assert reminders.set_paused(onboarding, True, by=staff_user)
    assert not reminders.set_paused(onboarding, True, by=staff_user)
    assert TimelineEntry.objects.filter(action="reminders_paused").count() == 1


def test_a_failed_reminder_counts_and_is_on_the_timeline(onboarding, connected_at, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert outreach.send_due(connected_at + 3 * DAY) == 0
    [failed] = TimelineEntry.objects.filter(restaurant=onboarding, kind="email")
    assert failed.action == "reminder_failed"
    assert Restaurant.objects.get(pk=onboarding.pk).reminders_sent == 1


def test_a_restaurant_without_contacts_waits_uncounted(onboarding, connected_at):
    onboarding.contacts.all().delete()
    assert outreach.send_due(connected_at + 3 * DAY) == 0
    assert Restaurant.objects.get(pk=onboarding.pk).reminders_sent == 0


def test_the_due_query_is_one_query_whatever_the_number(onboarding, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(reminders.due(timezone.now() + 30 * DAY))


def test_the_schedule_runs_the_reminders(settings):
    settings.REMINDER_CHECK_MINUTES = 30
    call_command("setup_schedules", stdout=io.StringIO())
    schedule = Schedule.objects.get(func="portal.outreach.tasks.send_reminders")
    assert schedule.minutes == 30
