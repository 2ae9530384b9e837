"""The dashboard: counts, problems, and sync runs with live progress."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.models import (
    Alert,
    CircuitState,
    MaintenanceWindow,
    PollState,
    RequestHalt,
    SyncRun,
)
from integrations.sync import runs
from restaurants.models import Connection, Restaurant
from tests.stored import make_restaurant, set_status, webhook_event

pytestmark = pytest.mark.django_db


def test_dashboard_shows_state_of_onboarding_and_platform(staff_client, full):
    Alert.objects.create(title="Halted: GET /x", message="failed 5 times")
    RequestHalt.objects.create(
        key="a",
        method="GET",
        endpoint="/x",
        signature="http 404",
        status=RequestHalt.Status.HALTED,
        failure_count=5,
    )
    CircuitState.objects.create(
        pk=1,
        state=CircuitState.State.OPEN,
        reason="5xx storm",
        opened_at=timezone.now(),
        next_probe_at=timezone.now(),
    )
    now = timezone.now()
    MaintenanceWindow.objects.create(
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
        reason="Holiday",
    )
    page = staff_client.get("/").content.decode()
    for text in [
        "Connected",
        "Halted: GET /x",
        "5xx storm",
        "In progress: reads paused",
        "Holiday",
        "http 404",
    ]:
        assert text in page, text
    assert page.count('class="figure">1<') >= 2  # one connected, one halted


def test_sync_progress_is_served_for_the_live_bars(staff_client):
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF, total=4)
    runs.add(run.pk, {"changed": 1, "unchanged": 2})
    page = staff_client.get("/").content.decode()
    assert f'data-run="{run.pk}"' in page and "js/progress.js" in page
    data = staff_client.get("/sync-runs/progress.json").json()["runs"][0]
    assert (data["id"], data["percent"], data["done"], data["total"]) == (run.pk, 75, 3, 4)
    runs.add(run.pk, {"failed": 1})
    data = staff_client.get("/sync-runs/progress.json").json()["runs"][0]
    assert (data["status"], data["percent"]) == ("finished", 100)


def test_the_partners_endpoint_that_served_is_shown(staff_client):
    reason = "GET /partners/v1/connectedRestaurants answered 403: not allowed"
    listed = {"source": "/partners/v1/restaurants", "fallback_reason": reason}
    run = runs.start(SyncRun.Kind.POLL, SyncRun.Trigger.SCHEDULE)
    SyncRun.objects.filter(pk=run.pk).update(**listed)
    PollState.objects.create(
        pk=1,
        last_success_at=timezone.now(),
        last_source=listed["source"],
        last_fallback_reason=reason,
    )
    page = staff_client.get("/").content.decode()
    assert page.count("listed by /partners/v1/restaurants") == 2  # the poll and the run
    assert "connectedRestaurants failed" in page and reason in page


def _tile(page, label):
    """The figure of a dashboard tile and the list URL it links to."""
    before = page.split(f"</span>{label}</a>")[0]
    href = before.rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    return int(before.rsplit(">", 1)[1]), href


def test_each_figure_matches_the_list_it_links_to(staff_client, full):
    stale = make_restaurant(name="Old")
    Restaurant.objects.filter(pk=stale["guid"]).update(
        last_fetched_at=timezone.now() - datetime.timedelta(days=5), last_error="boom"
    )
    gone = make_restaurant(name="Gone")
    set_status(gone["guid"], Connection.Status.REMOVED)
    Restaurant.objects.create(guid=uuid.uuid4(), name="Prospect")
    page = staff_client.get("/").content.decode()
    expected = {"Connected": 2, "Prospects": 1, "Removed": 1, "Stale data": 1, "With errors": 1}
    for label, figure in expected.items():
        shown, href = _tile(page, label)
        assert shown == figure, label
        assert staff_client.get(href).context["page"].paginator.count == figure, label
    with CaptureQueriesContext(connection) as captured:
        figures = Restaurant.objects.figures()
    assert len(captured) == 2  # the status's figures in one pass, the errors from their index
    assert figures == dict(connected=2, prospects=1, removed=1, stale=1, errors=1)
    # The list's own Stale filter, chosen from its form, finds the same restaurants
    # (it counted the never-fetched prospect too).
    listed = staff_client.get("/restaurants/?freshness=stale").context["page"].object_list
    assert [restaurant.name for restaurant in listed] == ["Old"]


def test_dashboard_query_count_is_fixed(staff_client, full):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get("/").status_code == 200
        return len(captured)

    runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF)  # the runs' lost chunks: one query
    webhook_event(full["guid"])  # the events' restaurant names: one query
    small = count()
    for n in range(15):
        run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF, total=2)
        Alert.objects.create(title=f"Alert {n}", message="m")
        RequestHalt.objects.create(
            key=f"k{n}", method="GET", endpoint="/x", signature="s", status="halted"
        )
        runs.add(run.pk, {"changed": 1})
        webhook_event(make_restaurant(name=f"R{n}")["guid"])
    assert count() == small


def test_events_and_halts_name_their_restaurant_escaped(staff_client, full):
    hostile = Restaurant.objects.create(guid=uuid.uuid4())  # a prospect: its record's name
    Connection.objects.create(restaurant=hostile, restaurant_name="<script>x()</script>")
    unknown = uuid.uuid4()
    for guid in [full["guid"], hostile.guid, unknown]:
        webhook_event(guid)
    RequestHalt.objects.create(
        key="h",
        method="GET",
        endpoint="/x",
        signature="s",
        status="halted",
        restaurant_guid=full["guid"],
    )
    page = staff_client.get("/").content.decode()
    name = str(Restaurant.objects.get(pk=full["guid"]))
    assert page.count(f'title="{full["guid"]}">{name}</a>') == 2  # the event and the halt
    assert "&lt;script&gt;x()&lt;/script&gt;</a>" in page and "<script>x()" not in page
    assert f'title="{unknown}">{str(unknown)[:12]}…</a>' in page


def test_a_discovery_row_counts_connections_read_and_new_prospects(staff_client):
    run = runs.start(SyncRun.Kind.DISCOVER, SyncRun.Trigger.SCHEDULE)
    runs.count_read(run.pk, read=37, changed=0)
    runs.finish(run.pk, prospects=13)
    row = staff_client.get("/").content.decode().split(f'data-run="{run.pk}"')[1]
    row = row.split("</tr>")[0]
    assert "37/37 connections · Finished" in row and "13 new prospects" in row
    assert 'data-field="changed">0<' in row and 'data-field="unchanged">37<' in row


def test_progress_sends_the_rows_of_runs_started_after_the_page(staff_client):
    assert "No sync has run yet" in staff_client.get("/sync-runs/progress.json").json()["rows"]
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF, total=2)
    rows = staff_client.get("/sync-runs/progress.json").json()["rows"]
    assert f'data-run="{run.pk}" data-status="queued"' in rows and "0/2 · Queued" in rows
