"""Whether a restaurant takes online orders, as staff see it: a badge on its page and its
list row (the platform's strings escaped), its checklist item, and the page's refresh
asking the platform for it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.signing import SignedPackage

from integrations.sync import availability
from integrations.sync.lifecycle import Moment
from integrations.toast.availability import Availability
from restaurants.models import Connection, Restaurant
from tests.stored import make_restaurant

pytestmark = pytest.mark.django_db

HOSTILE = '"><script>alert(1)</script>'


def _set(guid, availability, reason=""):
    Restaurant.objects.filter(pk=guid).update(
        availability=availability,
        availability_reason=reason,
        availability_source=Restaurant.AvailabilitySource.WEBHOOK,
        availability_since=datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC),
    )


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_offline_restaurant_says_so_on_its_page_and_list_row(staff_client, full):
    _set(full["guid"], Restaurant.Availability.OFFLINE, HOSTILE)

    page = _html(staff_client, f"/restaurants/{full['guid']}/")
    row = _html(staff_client, "/restaurants/")

    for html in (page, row):
        assert "Offline for orders" in html and "Taking orders" not in html
        assert "<script>alert(1)</script>" not in html
        assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Offline since 2026-03-01 12:00 UTC (restaurant_availability webhook)" in page
    assert "Not taking online orders" in page  # the checklist item
    assert 'href="/docs/finish-onboarding/#taking-online-orders"' in page


def test_the_change_is_on_the_pages_timeline_with_the_reason_escaped(staff_client, full):
    reading = Availability(full["guid"], "OFFLINE", "AVAILABILITY_OFFLINE", HOSTILE)
    availability.apply(full["guid"], reading, moment=Moment(timezone.now()), source="webhook")

    page = _html(staff_client, f"/restaurants/{full['guid']}/")

    timeline = page[page.index('id="timeline"') :]
    assert "Taking orders</span>" in timeline  # the entry's kind
    assert "Stopped taking online orders: &quot;&gt;&lt;script&gt;alert(1)" in timeline
    assert "<script>alert(1)</script>" not in page


def test_a_restaurant_without_events_is_taking_orders(staff_client, full):
    page = _html(staff_client, f"/restaurants/{full['guid']}/")

    assert "Taking orders" in page and "Offline for orders" not in page
    assert "No availability event yet: online, as the platform says" in page


def test_a_removed_restaurant_shows_no_availability(staff_client, full):
    Connection.objects.filter(pk=full["guid"]).update(status=Connection.Status.REMOVED)
    _set(full["guid"], Restaurant.Availability.OFFLINE)

    page = _html(staff_client, f"/restaurants/{full['guid']}/")

    assert "Taking orders" not in page and "Offline for orders" not in page


def test_the_list_runs_as_many_queries_with_many_offline_restaurants(staff_client, full):
    one = _queries(staff_client, "/restaurants/")
    for _ in range(30):
        _set(make_restaurant()["guid"], Restaurant.Availability.OFFLINE, "asleep")

    assert _queries(staff_client, "/restaurants/") == one
    assert _html(staff_client, "/restaurants/").count("Offline for orders") == 30


def test_the_pages_refresh_also_asks_for_the_availability(staff_client, full):
    broker = get_broker()
    broker.purge_queue()

    staff_client.post(f"/restaurants/{full['guid']}/refresh/")

    tasks = []
    while broker.queue_size():
        tasks += [SignedPackage.loads(payload) for _, payload in broker.dequeue() or []]
    broker.purge_queue()
    reads = [task for task in tasks if task["func"] == "integrations.tasks.read_availability"]
    assert [task["args"] for task in reads] == [(full["guid"],)]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)
