"""The dashboard: counts, problems, and sync runs with live progress."""

import datetime

import pytest
from django.utils import timezone

from integrations.models import Alert, CircuitState, MaintenanceWindow, RequestHalt, SyncRun
from integrations.sync import runs

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
