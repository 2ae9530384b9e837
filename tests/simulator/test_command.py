"""`manage.py toast_simulator` serves on loopback and says where."""

import requests

from tests.platform import login, simulator_process


def test_command_serves_and_announces_its_url():
    # simulator_process starts the command and waits for "Simulator listening on <url>".
    with simulator_process(5, "--seed", "4") as url:
        assert url.startswith("http://127.0.0.1:")
        assert len(requests.get(f"{url}/_simulator/restaurants", timeout=5).json()) == 5


def test_published_shapes_and_endpoint_faults_are_options_of_the_command():
    options = ["--client-id", "c", "--client-secret", "s", "--pages-as-array"]
    refused = "/partners/v1/restaurants"
    with simulator_process(5, *options, "--endpoint-status", f"{refused}=403") as url:
        headers = {"Authorization": f"Bearer {login(url, 'c', 's')}"}
        pages = requests.get(f"{url}/partners/v1/connectedRestaurants", headers=headers, timeout=5)
        assert isinstance(pages.json(), list) and pages.json()[0]["results"]
        assert requests.get(f"{url}{refused}", headers=headers, timeout=5).status_code == 403
        assert requests.get(f"{url}/_simulator/published", timeout=5).json()["pages_as_array"]
