"""`manage.py sync_restaurants`: the support tool that syncs in the foreground or queues."""

import io
import logging
import re

import pytest
from django.core.management import CommandError, call_command
from django_q.brokers import get_broker

from integrations.models import SyncRun
from restaurants.models import Connection, Restaurant
from tests.platform import control

pytestmark = pytest.mark.django_db(transaction=True)


def _run(*args):
    out = io.StringIO()
    call_command("sync_restaurants", *args, stdout=out)
    return out.getvalue()


def test_discover_and_sync_all_in_the_foreground(toast, sim):
    output = _run("--discover", "--all")
    connected = Connection.objects.connected().count()
    assert connected > 0
    assert f"{connected} changed" in output
    assert Restaurant.objects.exclude(content_sha256="").count() == connected
    assert SyncRun.objects.get(kind="refresh").status == SyncRun.Status.FINISHED


def test_discovery_figures_agree_with_its_log_and_a_rerun_changes_nothing(toast, sim, caplog):
    """It printed "37 connection changes and new prospects" while the log said 0
    prospects; and every full read logged each connection as updated."""
    caplog.set_level(logging.INFO)
    first = _run("--discover")
    connections, prospects = Connection.objects.count(), Restaurant.objects.prospects().count()
    summary = f"Discovery: {connections} connection changes, {prospects} new prospects"
    assert connections > 0 and prospects > 0
    assert summary in first and summary in caplog.text
    caplog.clear()

    second = _run("--discover")

    assert "Discovery: 0 connection changes, 0 new prospects" in second
    assert "Discovery: 0 connection changes, 0 new prospects" in caplog.text
    assert [r.message for r in caplog.records if r.name == "integrations.sync.lifecycle"] == []


class Terminal(io.StringIO):
    def isatty(self):
        return True


FRAME = re.compile(
    r"(?P<percent>\d+)%\|[^|]*\| (?P<done>\d+)/(?P<total>\d+) "
    r"\[\d\d:\d\d<(\d\d:\d\d|\?), +([\d.]+|\?) restaurants/s, failed=(?P<failed>\d+)\]"
)


def test_on_a_terminal_the_bar_shows_percentage_rate_time_left_and_failures(toast, sim):
    _run("--discover")
    guids = [str(guid) for guid in Connection.objects.values_list("pk", flat=True)]
    control(sim, "POST", f"restaurants/{guids[0]}/remove")  # 403 from now on: a failure
    terminal = Terminal()

    with pytest.raises(SystemExit):  # a failed restaurant: exit status 1
        call_command("sync_restaurants", "--guid", *guids, stdout=terminal)

    bar, summary = terminal.getvalue().rsplit("\n", 2)[:2]
    frames = bar.split("\r")[1:]
    assert frames and all(FRAME.fullmatch(frame.strip()) for frame in frames), frames
    assert len(frames) == len(set(frames))  # no frame printed twice
    last = FRAME.fullmatch(frames[-1].strip())
    assert last["percent"] == "100" and last["done"] == last["total"] == str(len(guids))
    assert last["failed"] == "1" and "1 failed" in summary


def test_one_restaurant_by_guid(toast, sim):
    _run("--discover")
    guid = str(Connection.objects.connected().first().pk)
    control(sim, "POST", "stats/reset")
    assert "1 changed" in _run("--guid", guid)
    assert control(sim, "GET", "stats")["restaurant_requests"] == {guid: 1}


def test_queue_returns_at_once(toast, sim):
    get_broker().purge_queue()
    _run("--discover")
    assert "Queued refresh run" in _run("--all", "--queue")
    assert get_broker().queue_size() >= 1
    get_broker().purge_queue()


def test_without_a_target_it_says_what_to_do():
    with pytest.raises(CommandError, match="--all"):
        _run()


def test_a_failed_discovery_still_refreshes_the_restaurants_already_known(toast, sim):
    _run("--discover")
    known = Connection.objects.connected().count()
    control(
        sim,
        "PUT",
        "faults",
        json={
            "endpoint_status": {
                "/partners/v1/connectedRestaurants": 403,
                "/partners/v1/restaurants": 403,
            }
        },
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="Discovery failed: GET /partners/v1/restaurants"):
        call_command("sync_restaurants", "--discover", "--all", stdout=out)
    assert f"{known} changed" in out.getvalue()
    refresh = SyncRun.objects.get(kind="refresh")
    assert (refresh.status, refresh.changed) == (SyncRun.Status.FINISHED, known)
    assert Restaurant.objects.exclude(content_sha256="").count() == known
    assert SyncRun.objects.filter(kind="discover").first().status == SyncRun.Status.FAILED
