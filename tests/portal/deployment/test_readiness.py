"""run_portal's readiness probe accepts only the server it started: another process
answering on the port is an error at once, and so is the server exiting."""

import http.server
import json
import subprocess
import sys
import threading

import pytest
from django.core.management.base import CommandError

from portal.serving import wait_until_ready


class _Answers(http.server.BaseHTTPRequestHandler):
    instance = "someone-elses-instance"

    def do_GET(self):
        body = json.dumps({"status": "ok", "instance": self.instance}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/health/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def started():
    """Stands for the server run_portal started (alive, not yet answering)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process
    process.kill()
    process.wait()


def test_another_process_answering_on_the_port_is_an_error(other_server, started):
    with pytest.raises(CommandError, match="not as the web server this command started"):
        wait_until_ready(started, other_server, "our-instance", "web server")


def test_the_server_it_started_is_ready_when_it_echoes_the_instance(other_server, started):
    wait_until_ready(started, other_server, _Answers.instance, "web server")


def test_a_server_that_exits_before_answering_is_an_error_at_once():
    exited = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    exited.wait()

    with pytest.raises(CommandError, match=r"The simulator exited \(3\) before it answered"):
        wait_until_ready(exited, "http://127.0.0.1:9/", "our-instance", "simulator")
