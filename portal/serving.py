"""What `manage.py run_portal` needs to start a server and know it is up: a port
checked free before anything starts, and a readiness probe that accepts only the
process it started (by a per-start instance nonce the server echoes)."""

import errno
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request

from django.core.management.base import CommandError

READY_TIMEOUT_SECONDS = 60
WILDCARD_ADDRESSES = {"", "0.0.0.0", "::"}


def ensure_port_free(host: str, port: int, setting: str) -> None:
    """Fails at once, naming the setting to change, when something listens there."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the servers bind: a port in TIME_WAIT is free, a listening one is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "is already in use" if exc.errno == errno.EADDRINUSE else f"fails: {exc}"
            raise CommandError(
                f"Port {port} on {host or 'every address'} {reason}. Stop what listens "
                f"there, or choose another port: {setting}."
            ) from exc


def probe_url(host: str, port: int, path: str) -> str:
    """The URL that reaches a server bound to host:port from this machine."""
    if host in WILDCARD_ADDRESSES:
        host = "127.0.0.1"
    return f"http://[{host}]:{port}{path}" if ":" in host else f"http://{host}:{port}{path}"


def wait_until_ready(
    process: subprocess.Popen, url: str, instance: str, what: str, host_header: str = ""
) -> None:
    """Returns once `url` answers JSON carrying `instance`; fails at once when the
    process exits, or when something else answers in its place."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    request = urllib.request.Request(url, headers={"Host": host_header} if host_header else {})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError(f"The {what} exited ({process.returncode}) before it answered.")
        answered = _instance_at(request)
        if answered == instance:
            return
        if answered is not None:
            raise CommandError(
                f"{url} answers, but not as the {what} this command started: "
                "another process is listening on its port."
            )
        time.sleep(0.2)
    raise CommandError(f"The {what} did not answer at {url} within {READY_TIMEOUT_SECONDS} s.")


def _instance_at(request: urllib.request.Request) -> str | None:
    """The instance a server reports; "" for an answer without one; None for no answer yet."""
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        body = error.read()  # a failing health check still says whose it is
    except OSError:
        return None
    try:
        return str(json.loads(body).get("instance", ""))
    except (ValueError, AttributeError):
        return ""
