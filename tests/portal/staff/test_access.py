"""Sign-in on every staff page, and what the read-only onboarding group may change."""

import re

import pytest
from django.contrib.auth.models import User

from integrations.models import MaintenanceWindow, RequestHalt, SyncRun
from restaurants.models import Restaurant, StatusLink

pytestmark = pytest.mark.django_db

PAGES = ["/", "/restaurants/", "/restaurants/?format=csv", "/sync-runs/progress.json"]


def _pages(guid):
    return [*PAGES, f"/restaurants/{guid}/", f"/restaurants/{guid}/map/"]


def test_anonymous_visitors_are_sent_to_sign_in(client, full):
    for url in _pages(full["guid"]):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_signed_in_non_staff_users_are_refused_not_looped(client, full):
    client.force_login(User.objects.create_user("guest", password="pw"))
    for url in _pages(full["guid"]):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"not a staff account" in response.content, url
    assert client.post(f"/restaurants/{full['guid']}/refresh/").status_code == 403
    assert not SyncRun.objects.exists()


def test_staff_without_a_group_are_told_to_ask_for_access_on_every_page(client, full):
    client.force_login(User.objects.create_user("newcomer", password="pw", is_staff=True))
    for url in _pages(full["guid"]):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Ask an administrator for access" in response.content, url
        assert b"newcomer" in response.content, url
    assert client.post(f"/restaurants/{full['guid']}/refresh/").status_code == 403
    assert client.post(f"/restaurants/{full['guid']}/status-links/").status_code == 403
    assert not SyncRun.objects.exists() and not StatusLink.objects.exists()


def test_staff_pages_and_exports_are_kept_by_no_cache(staff_client, full):
    for url in _pages(full["guid"]):
        directives = set(staff_client.get(url)["Cache-Control"].replace(" ", "").split(","))
        assert {"private", "no-store"} <= directives, url


def test_onboarding_staff_see_every_page_and_the_admin(staff_client, full):
    for url in _pages(full["guid"]):
        assert staff_client.get(url).status_code == 200, url
    for url in [
        "/admin/",
        "/admin/restaurants/restaurant/",
        "/admin/integrations/syncrun/",
        "/admin/integrations/apifailure/",
        f"/admin/restaurants/restaurant/{full['guid']}/change/",
    ]:
        assert staff_client.get(url).status_code == 200, url


def test_onboarding_staff_edit_notes_but_not_synced_data(staff_client, full):
    url = f"/admin/restaurants/restaurant/{full['guid']}/change/"
    form = staff_client.get(url).content.decode()
    hidden = dict(
        re.findall(
            r'type="hidden" name="([^"]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"'
            r' value="([^"]*)"',
            form,
        )
    )
    response = staff_client.post(url, {**hidden, "notes": "Called the manager", "name": "Hacked"})
    assert response.status_code in (200, 302)
    restaurant = Restaurant.objects.get(pk=full["guid"])
    assert restaurant.notes == "Called the manager"
    assert restaurant.name == full["general"]["name"]
    assert (
        staff_client.post(
            f"/admin/restaurants/restaurant/{full['guid']}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Restaurant.objects.filter(pk=full["guid"]).exists()


def test_onboarding_staff_resume_halts_and_plan_maintenance(staff_client, staff_user):
    halt = RequestHalt.objects.create(
        key="k", method="GET", endpoint="/x", signature="http 500", status=RequestHalt.Status.HALTED
    )
    staff_client.post(
        "/admin/integrations/requesthalt/", {"action": "resume", "_selected_action": [halt.pk]}
    )
    halt.refresh_from_db()
    assert halt.status == RequestHalt.Status.RESUMED and halt.resumed_by == staff_user
    response = staff_client.post(
        "/admin/integrations/maintenancewindow/add/",
        {
            "starts_at_0": "2030-12-24",
            "starts_at_1": "22:00:00",
            "ends_at_0": "2030-12-25",
            "ends_at_1": "06:00:00",
            "reason": "Holiday maintenance",
        },
    )
    assert response.status_code == 302
    assert MaintenanceWindow.objects.get().created_by == staff_user
    assert staff_client.get("/admin/integrations/syncrun/add/").status_code == 403


def test_refresh_button_queues_a_run_for_permitted_staff(staff_client, full):
    page = staff_client.get(f"/restaurants/{full['guid']}/").content.decode()
    assert "Refresh from the platform" in page
    response = staff_client.post(f"/restaurants/{full['guid']}/refresh/", follow=True)
    run = SyncRun.objects.get()
    assert (run.kind, run.trigger, run.total) == ("refresh", "staff", 1)
    assert f"run #{run.pk}" in response.content.decode()


def test_staff_without_the_permission_get_no_refresh(client, full):
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(user)
    assert (
        "Refresh from the platform"
        not in client.get(f"/restaurants/{full['guid']}/").content.decode()
    )
    client.post(f"/restaurants/{full['guid']}/refresh/")
    assert not SyncRun.objects.exists()


def test_admin_action_refreshes_the_selected_restaurants(admin_client, full):
    admin_client.post(
        "/admin/restaurants/restaurant/", {"action": "refresh", "_selected_action": [full["guid"]]}
    )
    assert SyncRun.objects.get().total == 1
