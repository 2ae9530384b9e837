import pytest
import requests

from integrations.simulator import Simulator, SimulatorConfig
from tests.platform import control


@pytest.fixture(scope="module")
def sim():
    with Simulator(SimulatorConfig(restaurants=60, groups=4, seed=3)) as simulator:
        yield simulator


@pytest.fixture
def api(sim):
    """A logged-in requests session for the simulator, with faults off."""
    control(sim, "PUT", "faults", json={})
    session = requests.Session()
    token = session.post(
        f"{sim.url}/authentication/v1/authentication/login",
        json={
            "clientId": sim.client_id,
            "clientSecret": sim.client_secret,
            "userAccessType": "TOAST_MACHINE_CLIENT",
        },
        timeout=5,
    ).json()["token"]["accessToken"]
    session.headers["Authorization"] = f"Bearer {token}"
    yield session
    control(sim, "PUT", "faults", json={})


def get(api, sim, path, restaurant=None, **params):
    headers = {"Toast-Restaurant-External-ID": restaurant} if restaurant else {}
    return api.get(f"{sim.url}{path}", params=params, headers=headers, timeout=10)
