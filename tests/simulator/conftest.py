import pytest
import requests

from integrations.simulator import Simulator, SimulatorConfig
from tests.platform import control, login


@pytest.fixture(scope="module")
def sim():
    # Generous limits: these tests log in and page a lot; the limits themselves are
    # tested on a simulator of their own (test_behaviour.py).
    config = SimulatorConfig(restaurants=60, groups=4, seed=3, rate_per_second=10_000)
    with Simulator(config) as simulator:
        yield simulator


@pytest.fixture
def api(sim):
    """A logged-in requests session for the simulator, with faults off and the
    reference's shapes."""
    control(sim, "PUT", "faults", json={})
    control(sim, "PUT", "published", json={})
    session = requests.Session()
    token = login(sim.url, sim.client_id, sim.client_secret)
    session.headers["Authorization"] = f"Bearer {token}"
    yield session
    control(sim, "PUT", "faults", json={})
    control(sim, "PUT", "published", json={})


def get(api, sim, path, restaurant=None, **params):
    headers = {"Toast-Restaurant-External-ID": restaurant} if restaurant else {}
    return api.get(f"{sim.url}{path}", params=params, headers=headers, timeout=10)
