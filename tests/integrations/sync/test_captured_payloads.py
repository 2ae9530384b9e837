"""A sync against a simulator that serves RestaurantInfo as captured from real
restaurants (`toast_simulator --captured-deviations`): every one is stored."""

import io

import pytest
from django.core.management import call_command

from integrations import platform
from integrations.models import SyncRun
from restaurants.models import Connection, DaySchedule, Restaurant, Service
from tests.platform import simulator_process

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_sync_stores_every_captured_payload_and_refuses_none(settings):
    with simulator_process(40, "--captured-deviations", "--seed", "7") as url:
        settings.TOAST_API_HOSTNAME = url
        platform.reset_clients()
        try:
            call_command("sync_restaurants", "--discover", "--all", stdout=io.StringIO())
        finally:
            platform.reset_clients()

    run = SyncRun.objects.get(kind=SyncRun.Kind.REFRESH)
    connected = Connection.objects.connected()
    assert (run.status, run.failed, run.changed) == (
        SyncRun.Status.FINISHED,
        0,
        connected.count(),
    )
    stored = Restaurant.objects.filter(connection__in=connected)
    assert not stored.filter(content_sha256="").exists()
    assert list(stored.exclude(last_error="").values_list("last_error", flat=True)) == []
    # The deviations were served, not only allowed for.
    assert DaySchedule.objects.filter(key__regex=r"^[0-9]{16,18}$").exists()
    assert Service.objects.filter(overnight=None).exists()
    assert stored.filter(delivery_enabled=True, delivery_area="").exists()
    assert stored.filter(delivery_enabled=True, delivery_minimum=None).exists()
    assert stored.filter(facebook="").exists() or stored.filter(twitter="").exists()
    assert stored.filter(takeout_prep_time=None).exists()  # no prepTimes section
    assert stored.filter(delivery_enabled=None).exists()  # no delivery section
