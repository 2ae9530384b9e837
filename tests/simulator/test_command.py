"""`manage.py toast_simulator` serves on loopback and says where."""

import subprocess
import sys

import requests
from django.conf import settings


def test_command_serves_and_announces_its_url():
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "toast_simulator",
            "--port",
            "0",
            "--restaurants",
            "5",
            "--seed",
            "4",
        ],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("Simulator listening on http://127.0.0.1:")
        url = line.split()[-1]
        assert len(requests.get(f"{url}/_simulator/restaurants", timeout=5).json()) == 5
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode in (0, -15)
