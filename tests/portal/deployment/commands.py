"""`manage.py` in a process of its own, with the portal's settings as deployed
(portal.settings, not the tests'), and free loopback ports for the servers it starts."""

import os
import socket
import subprocess
import sys

from django.conf import settings


def deployed_env(**overrides: str) -> dict[str, str]:
    """The environment of a deployed portal: its own settings module, and whatever
    the caller sets on top (the environment wins over a developer's .env)."""
    environment = {**os.environ, **overrides}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return environment


def manage(*arguments: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        capture_output=True,
        text=True,
        env=deployed_env(**env),
        cwd=settings.BASE_DIR,
        check=False,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_socket() -> socket.socket:
    """A socket listening on a free loopback port: another process on that port."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder
