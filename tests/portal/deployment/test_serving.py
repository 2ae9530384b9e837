"""`manage.py run_portal` (what `make run` starts) serves through gunicorn with DEBUG
off and WhiteNoise's compressed, hashed static files; a port in use stops it at
once, naming the setting to change."""

import re
import signal
import subprocess
import sys
import threading

import pytest
import requests
from django.conf import settings

from tests.portal.deployment.commands import deployed_env, free_port, listening_socket, manage

# One portal for the module: a group keeps its tests on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("run_portal")]
STARTED = "The portal is running at"


def one_machine_env(tmp_path, port, simulator_port):
    """As `make run` serves on one machine: SQLite and the database broker in tmp_path,
    plain HTTP on loopback, DEBUG off."""
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "REDIS_URL": "",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DEBUG": "false",
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORTAL_PORT": str(port),
        "SIMULATOR_PORT": str(simulator_port),
        "WEB_WORKERS": "1",
        "Q_WORKERS": "1",
    }


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """The portal as `make run` starts it: collectstatic, migrate, then run_portal."""
    tmp_path = tmp_path_factory.mktemp("run-portal")
    env = one_machine_env(tmp_path, free_port(), free_port())
    for step in (("collectstatic", "--noinput"), ("migrate", "--noinput")):
        done = manage(*step, "--verbosity", "0", **env)
        assert done.returncode == 0, done.stderr
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_portal", "--no-initial-sync"],
        cwd=settings.BASE_DIR,
        env=deployed_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    watchdog = threading.Timer(120, process.kill)  # a hung start fails, never hangs
    watchdog.start()
    output = []
    for line in process.stdout:
        output.append(line)
        if STARTED in line:
            break
    watchdog.cancel()
    assert any(STARTED in line for line in output), "".join(output)
    yield f"http://127.0.0.1:{env['PORTAL_PORT']}", process
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)


def test_it_answers_through_gunicorn_with_its_instance(portal):
    url, _ = portal

    response = requests.get(f"{url}/health/", timeout=10)

    assert response.status_code == 200
    assert response.headers["Server"] == "gunicorn"
    assert re.fullmatch(r"[0-9a-f]{32}", response.json()["instance"])


def test_debug_is_off_a_missing_page_is_the_portals_own_404(portal):
    url, _ = portal

    response = requests.get(f"{url}/no-such-page/", timeout=10)

    assert response.status_code == 404
    assert "There is no page at this address" in response.text
    assert "DEBUG = True" not in response.text
    assert re.search(r'href="/static/css/portal\.[0-9a-f]{12}\.css"', response.text)


def test_static_files_are_served_compressed_under_hashed_names(portal):
    url, _ = portal
    page = requests.get(f"{url}/accounts/login/", timeout=10).text
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page)[1]

    response = requests.get(f"{url}{stylesheet}", headers={"Accept-Encoding": "gzip"}, timeout=10)

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert ".card" in response.text


def test_the_favicon_is_linked_and_answered_at_favicon_ico(portal):
    """A browser's first visit asked /favicon.ico, and each miss was a 404 WARNING."""
    url, _ = portal
    page = requests.get(f"{url}/accounts/login/", timeout=10).text
    linked = re.search(r'<link rel="icon" href="(/static/favicon\.[0-9a-f]{12}\.svg)"', page)[1]

    response = requests.get(f"{url}/favicon.ico", timeout=10)

    assert response.status_code == 200
    assert response.url == f"{url}{linked}"
    assert response.headers["Content-Type"] == "image/svg+xml"
    assert response.text.startswith("<svg")


def test_a_port_in_use_stops_it_at_once_naming_the_setting(tmp_path):
    with listening_socket() as taken:
        port = taken.getsockname()[1]
        env = one_machine_env(tmp_path, port, free_port())

        # Well under the 60 s a start used to wait before blaming the health check.
        result = manage("run_portal", "--no-initial-sync", timeout=30, **env)

    assert result.returncode != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "PORTAL_PORT" in result.stderr


def test_the_simulators_port_in_use_stops_it_at_once_naming_its_setting(tmp_path):
    with listening_socket() as taken:
        env = one_machine_env(tmp_path, free_port(), taken.getsockname()[1])

        result = manage("run_portal", "--no-initial-sync", timeout=30, **env)

    assert result.returncode != 0
    assert "SIMULATOR_PORT" in result.stderr
