"""`manage.py toast_simulator` serves on loopback and says where."""

import time

import requests

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
