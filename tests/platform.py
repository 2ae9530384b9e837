"""Fixtures for tests that talk to the simulator over real HTTP on loopback.

A simulator per test module; each test gets it with faults off, tokens revoked
and counters at zero, and a client wired to it.
"""

import contextlib
import os
import subprocess
import sys
import threading
import time

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import connection

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
    """The module's simulator, with faults off, the reference's shapes, tokens revoked
    and counters at zero."""
    control(simulator, "PUT", "faults", json={})
    control(simulator, "PUT", "published", json={})
    control(simulator, "POST", "tokens/revoke")
    control(simulator, "POST", "stats/reset")
    cache.clear()
    yield simulator
    control(simulator, "PUT", "faults", json={})
    control(simulator, "PUT", "published", json={})


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
    if method != "GET":
        kwargs.setdefault("json", {})  # the control interface takes JSON writes only
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


def login_answer(url, client_id=None, client_secret=None):
    """The simulator's answer to a login (the portal's credentials by default)."""
    return requests.post(
        f"{url}/authentication/v1/authentication/login",
        json={
            "clientId": client_id or settings.TOAST_CLIENT_ID,
            "clientSecret": client_secret or settings.TOAST_CLIENT_SECRET,
            "userAccessType": "TOAST_MACHINE_CLIENT",
        },
        timeout=10,
    )


def login(url, client_id=None, client_secret=None):
    """An access token from the simulator at `url`."""
    response = login_answer(url, client_id, client_secret)
    response.raise_for_status()
    return response.json()["token"]["accessToken"]


def database_url():
    """This process's database as a DATABASE_URL, for the worker processes a test starts."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def worker_env(api_url, **extra):
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TOAST_API_HOSTNAME": api_url,
        **{key: str(value) for key, value in extra.items()},
    }


@contextlib.contextmanager
def qcluster(api_url, workers=2, ready_seconds=0, **extra):
    """A real `manage.py qcluster` against this database and the simulator at `api_url`;
    `extra` sets more of its environment (`Q_ORM_POLL_SECONDS` too)."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=worker_env(api_url, **{"Q_WORKERS": workers, "Q_ORM_POLL_SECONDS": 0.05, **extra}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(ready_seconds)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


ANNOUNCE = "Simulator listening on "


@contextlib.contextmanager
def simulator_process(restaurants, *options):
    """Starts `manage.py toast_simulator` on a free port; yields its base URL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "toast_simulator",
            "--port",
            "0",
            "--restaurants",
            str(restaurants),
            "--groups",
            str(max(1, restaurants // 50)),
            *options,
        ],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for line in process.stdout:
            if line.startswith(ANNOUNCE):
                url = line[len(ANNOUNCE) :].strip()
                break
        else:
            raise RuntimeError("the simulator did not start")
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
