"""`manage.py toast_simulator` serves on loopback and says where."""

import requests

from tests.platform import simulator_process


def test_command_serves_and_announces_its_url():
    # simulator_process starts the command and waits for "Simulator listening on <url>".
    with simulator_process(5, "--seed", "4") as url:
        assert url.startswith("http://127.0.0.1:")
        assert len(requests.get(f"{url}/_simulator/restaurants", timeout=5).json()) == 5
