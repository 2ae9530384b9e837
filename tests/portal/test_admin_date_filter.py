"""The admin's date filter on the tables that grow every day (snapshots, webhook events, API
failures): it narrows the list as staff see it, old drill-down links still do, and no change
list of the portal reads the distinct dates of its whole table."""

import html
import re
import uuid
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.models import ApiFailure, SyncRun, TokenLogin, WebhookEvent
from restaurants.models import Restaurant, Snapshot
from tests.stored import webhook_event

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LONG_AGO = NOW - timedelta(days=400)  # another year, so a hierarchy would list two


def _snapshot(marker, at):
    restaurant = Restaurant.objects.get_or_create(guid=uuid.UUID(int=1))[0]
    Snapshot.objects.create(restaurant=restaurant, fetched_at=at, sha256=marker * 64, payload={})


def _webhook_event(marker, at):
    event = webhook_event(uuid.UUID(marker * 32))
    WebhookEvent.objects.filter(pk=event.pk).update(received_at=at)


def _api_failure(marker, at):
    ApiFailure.objects.create(
        occurred_at=at, method="GET", endpoint="/x", path="/x", kind="http", request_id=marker * 12
    )


# Change list, date field, a row's maker, and the text a row shows of its marker.
LISTS = [
    ("/admin/restaurants/snapshot/", "fetched_at", _snapshot, lambda m: m * 12),
    ("/admin/integrations/webhookevent/", "received_at", _webhook_event, lambda m: m * 8),
    ("/admin/integrations/apifailure/", "occurred_at", _api_failure, lambda m: m * 12),
]


def _link(page, label):
    found = re.search(rf'<a href="(\?[^"]*)">{label}</a>', page)
    assert found, f"no {label!r} link"
    return html.unescape(found[1])


@pytest.mark.parametrize(("url", "field", "make", "shown"), LISTS)
def test_the_past_7_days_show_only_recent_rows(staff_client, url, field, make, shown):
    make("a", NOW - timedelta(hours=1))
    make("b", LONG_AGO)
    page = staff_client.get(url).content.decode()
    assert shown("a") in page and shown("b") in page

    recent = staff_client.get(url + _link(page, "Past 7 days")).content.decode()
    assert shown("a") in recent and shown("b") not in recent


@pytest.mark.parametrize(("url", "field", "make", "shown"), LISTS)
def test_a_drill_down_link_still_narrows_to_its_day(staff_client, url, field, make, shown):
    make("a", NOW - timedelta(hours=1))
    make("b", LONG_AGO)
    day = timezone.localtime(LONG_AGO)
    query = f"?{field}__year={day.year}&{field}__month={day.month}&{field}__day={day.day}"
    page = staff_client.get(url + query).content.decode()
    assert shown("b") in page and shown("a") not in page


def test_no_change_list_reads_the_distinct_dates(admin_client):
    for _, _, make, _ in LISTS:
        make("a", NOW)
        make("b", LONG_AGO)
    SyncRun.objects.create(kind=SyncRun.Kind.REFRESH, trigger=SyncRun.Trigger.SCHEDULE)
    TokenLogin.objects.create(at=LONG_AGO, reason="expired")
    portal_lists = [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
        if model._meta.app_label in ("restaurants", "integrations")
    ]
    assert len(portal_lists) >= 15
    for url in portal_lists:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200, url
        # A date hierarchy's years, months or days: SELECT DISTINCT of a truncated date.
        truncating = [q["sql"] for q in captured if "trunc" in q["sql"].lower()]
        assert not truncating, url
