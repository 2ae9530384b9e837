"""The partners poll: the safety net that recovers what webhooks missed."""

import pytest
from django.utils import timezone

from integrations.models import PollState, SyncRun
from integrations.sync import polling, runs
from restaurants.models import Connection
from tests.platform import connected_guids, control, stats

pytestmark = pytest.mark.django_db(transaction=True)


def _poll(toast):
    run = runs.start(SyncRun.Kind.POLL, SyncRun.Trigger.SCHEDULE)
    follow_up = polling.run_poll(run.pk, client=toast)
    run.refresh_from_db()
    return run, follow_up


def test_missed_webhooks_are_recovered_by_the_next_poll(toast, sim):
    polling.poll(toast, full=True)  # where the portal stood
    first_success = PollState.current().last_success_at
    # The simulator has no webhook URL here: these events are lost.
    new_guid = control(sim, "POST", "restaurants")["guid"]
    updated = connected_guids(sim)[0]
    control(sim, "POST", f"restaurants/{updated}/update")

    run, follow_up = _poll(toast)
    assert run.status == SyncRun.Status.FINISHED
    assert Connection.objects.get(pk=new_guid).status == Connection.Status.CONNECTED
    assert Connection.objects.get(pk=updated).details == next(
        r for r in toast.connected_restaurants() if r["restaurantGuid"] == updated
    )
    assert follow_up.total == 1  # the newly connected restaurant is refreshed
    assert PollState.current().last_success_at > first_success


def test_a_full_read_marks_connections_the_platform_no_longer_lists(toast, sim):
    polling.poll(toast, full=True)
    gone = connected_guids(sim)[1]
    control(sim, "POST", f"restaurants/{gone}/remove")
    polling.poll(toast, full=True)
    connection = Connection.objects.get(pk=gone)
    assert connection.status == Connection.Status.REMOVED
    assert connection.removed_at is not None


def test_a_failed_poll_keeps_the_last_successful_instant(toast, sim):
    polling.poll(toast, full=True)
    before = PollState.current().last_success_at
    now = timezone.now()
    control(
        sim,
        "PUT",
        "faults",
        json={
            "outage_start": now.isoformat(),
            "outage_end": (now + timezone.timedelta(hours=1)).isoformat(),
        },
    )
    run, follow_up = _poll(toast)
    assert run.status == SyncRun.Status.FAILED and follow_up is None
    state = PollState.current()
    assert state.last_success_at == before
    assert "503" in state.last_error


CONNECTED = "/partners/v1/connectedRestaurants"
LISTED = "/partners/v1/restaurants"


def _answer(sim, statuses):
    control(sim, "PUT", "faults", json={"endpoint_status": statuses})


def _connected_now():
    return set(Connection.objects.connected().values_list("restaurant_id", flat=True))


@pytest.mark.parametrize("status", [400, 403, 404])
def test_a_refused_connected_restaurants_falls_back_to_the_restaurants_list(toast, sim, status):
    _answer(sim, {CONNECTED: status})
    run = runs.start(SyncRun.Kind.POLL, SyncRun.Trigger.SCHEDULE)
    polling.run_poll(run.pk, client=toast, full=True)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FINISHED
    assert {str(guid) for guid in _connected_now()} == set(connected_guids(sim, True))
    assert run.source == LISTED and f"answered {status}" in run.fallback_reason
    state = PollState.current()
    assert (state.last_source, state.last_fallback_reason) == (LISTED, run.fallback_reason)
    assert stats(sim)["requests"][f"GET {CONNECTED}"] == 1  # a 4xx is not retried


def test_the_published_array_of_pages_is_read_by_the_poll(toast, sim):
    control(sim, "PUT", "published", json={"pages_as_array": True})
    run, _ = _poll(toast)
    assert run.status == SyncRun.Status.FINISHED and run.source == CONNECTED
    assert run.fallback_reason == ""
    assert {str(guid) for guid in _connected_now()} == set(connected_guids(sim, True))


def test_a_transient_failure_is_retried_later_not_read_elsewhere(toast, sim):
    _answer(sim, {CONNECTED: 503})
    run, follow_up = _poll(toast)
    assert run.status == SyncRun.Status.FAILED and follow_up is None
    assert "503" in run.error and run.source == ""
    assert f"GET {LISTED}" not in stats(sim)["requests"]


def test_when_both_endpoints_refuse_the_error_names_both(toast, sim):
    _answer(sim, {CONNECTED: 404, LISTED: 403})
    run, _ = _poll(toast)
    assert run.status == SyncRun.Status.FAILED
    assert f"GET {LISTED} answered 403" in run.error
    assert f"GET {CONNECTED} answered 404" in run.error
    assert "answered 404" in PollState.current().last_fallback_reason


def test_a_halted_connected_restaurants_is_not_asked_again_and_the_poll_still_lists(
    toast, sim, settings
):
    settings.TOAST_HALT_THRESHOLD = 2
    _answer(sim, {CONNECTED: 403})
    for _ in range(3):
        run, _ = _poll(toast)
        assert run.status == SyncRun.Status.FINISHED and run.source == LISTED
    assert "halted" in run.fallback_reason.lower()
    assert stats(sim)["requests"][f"GET {CONNECTED}"] == 2
