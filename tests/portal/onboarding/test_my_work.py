""" "My restaurants", the dashboard's "Your work", and what counts as overdue or stuck."""

import datetime

import pytest
from django.utils import timezone

from restaurants.models import Restaurant
from restaurants.onboarding import TOTAL
from tests.portal.onboarding.rows import in_review, ready, viewer

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_my_restaurants_lists_what_i_own_overdue_first(staff_client, staff_user, django_user_model):
    someone = django_user_model.objects.create_user("sam", is_staff=True)
    ready("Later", owner=staff_user, next_step="Check hours", next_step_due=TODAY + DAY)
    ready("No step", owner=staff_user)
    ready("Late", owner=staff_user, next_step="Send menu", next_step_due=TODAY - 2 * DAY)
    ready("Due today", owner=staff_user, next_step="Call", next_step_due=TODAY)
    ready("Not mine", owner=someone, next_step="Call", next_step_due=TODAY - DAY)
    response = staff_client.get("/onboarding/mine/")
    assert response.status_code == 200
    assert [r.name for r in response.context["page"]] == ["Late", "Due today", "Later", "No step"]
    html = response.content.decode()
    assert html.count("⚠ Overdue") == 1 and "Not mine" not in html
    assert f"{TOTAL}/{TOTAL}" in html
    assert staff_client.get("/onboarding/mine/?page=banana").status_code == 200


def test_a_viewer_sees_their_own_list(client):
    user = viewer()
    ready("Theirs", owner=user)
    client.force_login(user)
    assert "Theirs" in client.get("/onboarding/mine/").content.decode()


def test_the_list_shows_an_overdue_next_step_in_words(staff_client, staff_user):
    ready("Late", owner=staff_user, next_step="Send menu", next_step_due=TODAY - DAY)
    html = staff_client.get("/restaurants/").content.decode()
    assert "⚠ Overdue" in html and "Send menu" in html and "due " + str(TODAY - DAY) in html


def test_the_dashboard_starts_with_my_work(staff_client, staff_user, settings):
    settings.ONBOARDING_STUCK_AFTER_DAYS = 14
    now = timezone.now()
    ready("Late", owner=staff_user, next_step="Send menu", next_step_due=TODAY - DAY)
    ready("Fresh connection")  # nobody's, Data received
    in_review("Long review", stage_since=now - datetime.timedelta(days=15))
    in_review("Short review", owner=staff_user, stage_since=now - datetime.timedelta(days=13))
    Restaurant.objects.create(guid="33333333-3333-3333-3333-333333333333", name="Prospect")

    response = staff_client.get("/")
    work = response.context["my_work"]
    assert [r.name for r in work.overdue.restaurants] == ["Late"] and work.overdue.count == 1
    assert [r.name for r in work.unassigned.restaurants] == ["Long review", "Fresh connection"]
    assert [r.name for r in work.stuck.restaurants] == ["Long review"] and work.stuck.count == 1
    html = response.content.decode()
    assert html.index('id="my-work"') < html.index("Connected</a>")  # at the top
    assert "Stuck over 14 days" in html and "15 days" in html and "⚠ Overdue" in html


def test_a_step_is_overdue_after_its_due_day_only():
    assert not Restaurant(next_step="Call", next_step_due=TODAY).overdue
    assert Restaurant(next_step="Call", next_step_due=TODAY - DAY).overdue
