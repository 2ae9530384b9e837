"""Fixtures for tests that talk to the simulator over real HTTP on loopback.

A simulator per test module; each test gets it with faults off, tokens revoked
and counters at zero, and a client wired to it.
"""

import pytest
import requests
from django.core.cache import cache

from integrations import platform
from integrations.platform import build_client
from integrations.toast.client import RetryPolicy
from tests.simulator_fixture import running_simulator


@pytest.fixture(scope="module")
def simulator():
    with running_simulator(restaurants=12, groups=3) as sim:
        yield sim


@pytest.fixture
def sim(simulator):
    """The module's simulator, with faults off, tokens revoked and counters at zero."""
    control(simulator, "PUT", "faults", json={})
    control(simulator, "POST", "tokens/revoke")
    control(simulator, "POST", "stats/reset")
    cache.clear()
    yield simulator
    control(simulator, "PUT", "faults", json={})


@pytest.fixture
def toast(sim, settings):
    settings.TOAST_API_HOSTNAME = sim.url
    platform.reset_clients()
    yield make_client(sim)
    platform.reset_clients()


def make_client(sim, **overrides):
    fast = RetryPolicy(max_retries=2, backoff_base=0.01, backoff_max=0.05)
    overrides.setdefault("base_url", sim.url)
    overrides.setdefault("retry", fast)
    return build_client(**overrides)


def control(sim, method, path, **kwargs):
    response = requests.request(method, f"{sim.url}/_simulator/{path}", timeout=10, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


def stats(sim):
    return control(sim, "GET", "stats")


def connected_guids(sim, include_archived=False):
    return [
        row["guid"]
        for row in control(sim, "GET", "restaurants")
        if row["connected"] and not row["removed"] and (include_archived or not row["archived"])
    ]
