"""The restaurants admin: links to the staff pages and back, inlines, the refresh action."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.models import SyncRun
from portal.admin.date_filter import DateFilter
from portal.admin.restaurants import RESTAURANT_FIELDSETS
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Connection, Restaurant
from tests.stored import make_restaurant, set_status

pytestmark = pytest.mark.django_db


def test_change_list_links_to_the_staff_pages(staff_client, full):
    page = staff_client.get("/admin/restaurants/restaurant/").content.decode()
    assert f'href="/restaurants/{full["guid"]}/"' in page
    page = staff_client.get("/admin/restaurants/connection/").content.decode()
    assert f'href="/restaurants/{full["guid"]}/"' in page


def test_change_form_shows_schedules_with_services_and_links_back(staff_client, full):
    page = staff_client.get(f"/admin/restaurants/restaurant/{full['guid']}/change/")
    html = page.content.decode()
    assert "Late night 18:00–02:00 (overnight)" in html
    assert "Lunch 11:00–15:00<br>Dinner 17:00–22:00" in html
    assert "View on site" in html  # the restaurant page, through get_absolute_url
    assert 'name="notes"' in html and 'name="name"' not in html


def test_change_form_query_count_does_not_grow_with_services(staff_client, full):
    def count():
        with CaptureQueriesContext(connection) as captured:
            staff_client.get(f"/admin/restaurants/restaurant/{full['guid']}/change/")
        return len(captured)

    count()  # the first request also fills per-process caches (content types)
    before = count()
    payload = dict(full)
    services = payload["schedules"]["daySchedules"]["weekday"]["services"]
    payload["schedules"]["daySchedules"]["weekday"]["services"] = services * 10
    apply_restaurant_info(payload)
    assert count() == before


def test_refresh_action_leaves_removed_restaurants_out(staff_client, full):
    removed = make_restaurant(name="Gone")
    set_status(removed["guid"], Connection.Status.REMOVED)
    response = staff_client.post(
        "/admin/restaurants/restaurant/",
        {"action": "refresh", "_selected_action": [full["guid"], removed["guid"]]},
        follow=True,
    )
    run = SyncRun.objects.get()
    assert (run.trigger, run.total) == (SyncRun.Trigger.STAFF, 1)
    assert "1 removed or prospect restaurant(s) left out" in response.content.decode()


def test_the_action_is_offered_only_with_the_permission(client, staff_client, full):
    assert 'value="refresh"' in staff_client.get("/admin/restaurants/restaurant/").content.decode()
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_restaurant"))
    client.force_login(viewer)
    page = client.get("/admin/restaurants/restaurant/")
    assert page.status_code == 200 and 'value="refresh"' not in page.content.decode()
    client.post(
        "/admin/restaurants/restaurant/", {"action": "refresh", "_selected_action": [full["guid"]]}
    )
    assert not SyncRun.objects.exists()


def _drill_downs():
    """(change list URL, date field) of every admin that reads drill-down links: a date
    hierarchy (django-axes' lockouts) or the portal's date filter."""
    found = []
    for model, model_admin in admin.site._registry.items():
        dates = [field for field, kind in _field_filters(model_admin) if kind is DateFilter]
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        found += [(url, field) for field in [model_admin.date_hierarchy, *dates] if field]
    return found


def _field_filters(model_admin):
    return [spec for spec in model_admin.list_filter if isinstance(spec, tuple)]


@pytest.mark.parametrize(
    "query",
    ["year=9999", "year=9999&{f}__month=12&{f}__day=31", "year=" + "9" * 20, "year=0", "year=x"],
)
def test_an_impossible_drill_down_date_is_a_bad_request(admin_client, query):
    assert len(_drill_downs()) >= 9  # axes' 3, the portal's 6
    for url, field in _drill_downs():
        response = admin_client.get(f"{url}?{field}__{query.format(f=field)}")
        assert response.status_code == 400, url


def test_a_real_drill_down_date_still_filters(admin_client):
    for url, field in _drill_downs():
        response = admin_client.get(f"{url}?{field}__year=2026&{field}__month=2&{field}__day=28")
        assert response.status_code == 200, url


def test_the_admin_carries_the_portals_name(staff_client, settings):
    settings.PORTAL_NAME = "Tablebooker Portal"
    page = staff_client.get("/admin/").content.decode()
    assert "Tablebooker Portal administration" in page and "<title>" in page
    assert "Django administration" not in page and "Django site admin" not in page


def test_every_restaurant_field_is_in_one_fieldset():
    listed = []
    for _, options in RESTAURANT_FIELDSETS:
        for line in options["fields"]:
            listed += [line] if isinstance(line, str) else list(line)
    assert sorted(listed) == sorted(field.name for field in Restaurant._meta.fields)


def test_change_page_is_grouped_with_the_polyline_folded(staff_client, full):
    html = staff_client.get(f"/admin/restaurants/restaurant/{full['guid']}/change/").content
    html = html.decode()
    assert html.count('<fieldset class="module aligned') >= len(RESTAURANT_FIELDSETS)
    folded = html.split("<details>")[1].split("</details>")[0]
    assert "Delivery area (raw polyline)" in folded and "Payment options" not in folded


def test_times_are_shown_on_a_24_hour_clock(staff_client, full):
    at = datetime.datetime(2026, 3, 4, 14, 30, tzinfo=datetime.UTC)
    Restaurant.objects.filter(pk=full["guid"]).update(last_fetched_at=at)
    page = staff_client.get(f"/admin/restaurants/restaurant/{full['guid']}/change/")
    html = page.content.decode()
    assert "14:30" in html and "p.m." not in html


def test_synced_data_offers_no_delete(admin_client, full):
    restaurant = f"/admin/restaurants/restaurant/{full['guid']}/"
    connection = f"/admin/restaurants/connection/{full['guid']}/"
    for url in [restaurant + "change/", connection + "change/"]:
        assert "deletelink" not in admin_client.get(url).content.decode(), url
    listing = admin_client.get("/admin/restaurants/restaurant/").content.decode()
    assert 'value="delete_selected"' not in listing
    assert admin_client.post(restaurant + "delete/", {"post": "yes"}).status_code == 403
    assert Restaurant.objects.filter(pk=full["guid"]).exists()
