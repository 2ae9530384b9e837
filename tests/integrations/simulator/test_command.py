"""`manage.py toast_simulator` serves on loopback and says where."""

import subprocess
import sys
import time
from types import SimpleNamespace

import requests
from django.conf import settings

from tests.platform import control, login, running_simulator, simulator_process


def test_command_serves_and_announces_its_url():
    # simulator_process starts the command and waits for "Simulator listening on <url>".
    with simulator_process(5, "--seed", "4") as url:
        assert url.startswith("http://127.0.0.1:")
        assert len(requests.get(f"{url}/_simulator/restaurants", timeout=5).json()) == 5


def test_published_shapes_and_endpoint_faults_are_options_of_the_command():
    options = ["--client-id", "c", "--client-secret", "s", "--pages-as-array"]
    options.append("--removal-keeps-added-date")
    refused = "/partners/v1/restaurants"
    with simulator_process(5, *options, "--endpoint-status", f"{refused}=403") as url:
        headers = {"Authorization": f"Bearer {login(url, 'c', 's')}"}
        pages = requests.get(f"{url}/partners/v1/connectedRestaurants", headers=headers, timeout=5)
        assert isinstance(pages.json(), list) and pages.json()[0]["results"]
        assert requests.get(f"{url}{refused}", headers=headers, timeout=5).status_code == 403
        published = requests.get(f"{url}/_simulator/published", timeout=5).json()
        assert published["pages_as_array"] and published["removal_keeps_added_date"]


def _lifecycle_dates(sim):
    """The modifiedDate of a new restaurant's add, update and removal events."""
    added = control(sim, "POST", "restaurants")
    dates = [added["event"]["details"]["modifiedDate"]]
    for action in ("update", "remove"):
        time.sleep(0.002)  # each event on a later millisecond
        answer = control(sim, "POST", f"restaurants/{added['guid']}/{action}")
        dates.append(answer["event"]["details"]["modifiedDate"])
    return dates


def test_removals_carry_their_own_date_unless_the_control_interface_says_otherwise():
    with running_simulator(restaurants=3) as sim:
        added, updated, removed = _lifecycle_dates(sim)
        assert added < updated < removed
        control(sim, "PUT", "published", json={"removal_keeps_added_date": True})
        added, updated, removed = _lifecycle_dates(sim)
    assert added < updated
    assert removed == added


def _control(url, method, path):
    return control(SimpleNamespace(url=url), method, path)


def _first(world, access):
    return next(row["guid"] for row in world if row["access"] == access)


def _info(url, guid):
    headers = {"Authorization": f"Bearer {login(url, 'c', 's')}"}
    headers["Toast-Restaurant-External-ID"] = guid
    path = f"{url}/restaurants/v1/restaurants/{guid}"
    return requests.get(path, headers=headers, timeout=5).json()


def test_with_a_state_file_the_world_outlives_a_restart(tmp_path):
    """Without it a restaurant connected by hand became removed after a restart, and
    the portal disagreed with the platform it talks to."""
    options = ["--state-file", str(tmp_path / "simulator-state.json")]
    options += ["--client-id", "c", "--client-secret", "s"]
    with simulator_process(20, *options) as url:
        world = _control(url, "GET", "restaurants")
        prospect, connected = _first(world, "never"), _first(world, "connected")
        _control(url, "POST", f"restaurants/{prospect}/connect")
        _control(url, "POST", f"restaurants/{prospect}/change")
        _control(url, "POST", f"restaurants/{connected}/remove")
        created = _control(url, "POST", "restaurants")["guid"]
        before = _control(url, "GET", "restaurants")
        info = _info(url, prospect)

    with simulator_process(20, *options) as url:
        after = _control(url, "GET", "restaurants")
        kept = _info(url, prospect)
        again = _control(url, "POST", "restaurants")["guid"]

    assert after == before and len(after) == 21
    rows = {row["guid"]: row["access"] for row in after}
    assert (rows[prospect], rows[connected], rows[created]) == ("connected", "removed", "connected")
    assert kept == info and kept["guid"] == prospect
    assert again not in rows  # the GUIDs go on where they left off


def test_an_unreadable_state_file_stops_the_start_saying_what_to_do(tmp_path):
    state = tmp_path / "simulator-state.json"
    state.write_text("{not json")

    result = subprocess.run(
        [sys.executable, "manage.py", "toast_simulator", "--port", "0", "--state-file", state],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "is not a simulator state file" in result.stderr
    assert "delete it to start a new world" in result.stderr
