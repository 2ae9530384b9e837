"""Helpers for tests that talk to the simulator over real HTTP on loopback: a
simulator to run, a client wired to it, its control interface, processes of the
portal (queue workers, the simulator command) pointed at it. The fixtures that use
them are in tests/fixtures.py."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

import requests
from django.conf import settings
from django.db import connection

from integrations.platform import build_client
from integrations.simulator import Faults, Simulator, SimulatorConfig
from integrations.toast.client import RetryPolicy

# The simulator tests log in and page a lot; the limits themselves are tested on
# a simulator of their own (test_behaviour.py).
GENEROUS_LIMITS = {"restaurants": 60, "groups": 4, "seed": 3, "rate_per_second": 10_000}


@contextlib.contextmanager
def running_simulator(faults=None, **config):
    """A simulator on a free port: `with running_simulator(restaurants=10) as sim: sim.url`."""
    simulator = Simulator(SimulatorConfig(port=0, faults=faults or Faults(), **config))
    with simulator:
        yield simulator


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


def get(api, sim, path, restaurant=None, **params):
    """A GET of the platform API through a logged-in session (the `api` fixture)."""
    headers = {"Toast-Restaurant-External-ID": restaurant} if restaurant else {}
    return api.get(f"{sim.url}{path}", params=params, headers=headers, timeout=10)


def stats(sim):
    return control(sim, "GET", "stats")


def connected_guids(sim, include_archived=False):
    return [
        row["guid"]
        for row in control(sim, "GET", "restaurants")
        if row["access"] == "connected" and (include_archived or not row["archived"])
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
        # Its own process group: `kill_machine` stops the cluster and all its workers at once.
        start_new_session=True,
    )
    try:
        time.sleep(ready_seconds)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def kill_machine(cluster):
    """SIGKILL to a `qcluster` and every process it started, as when its machine is lost."""
    os.killpg(cluster.pid, signal.SIGKILL)
    cluster.wait()


ANNOUNCE = "Simulator listening on "


@contextlib.contextmanager
def simulator_process(restaurants, *options):
    """Starts `manage.py toast_simulator` on a free port; yields its base URL."""
    with simulator_subprocess(restaurants, *options) as (_, url):
        yield url


@contextlib.contextmanager
def simulator_subprocess(restaurants, *options):
    """simulator_process, yielding its process too (to read its memory)."""
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
        yield process, url
    finally:
        process.terminate()
        process.wait(timeout=20)
