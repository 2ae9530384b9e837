"""The storm's sender: a slow server makes its requests late, and that lateness is in
the answer times it reports, so an overloaded server cannot look fast."""

import contextlib
import http.server
import threading
import time

from bench.scale import open_loop

SERVER_SECONDS = 0.05


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn serves the storm

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(SERVER_SECONDS)
        self.send_response(202)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def _slow_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address
    finally:
        server.shutdown()
        server.server_close()


def test_requests_a_busy_connection_holds_up_are_late_and_their_wait_is_counted():
    with _slow_server() as address:
        host = f"{address[0]}:{address[1]}"
        requests = [open_loop.request_bytes(host, "/hook", b"{}", {}) for _ in range(10)]
        # 100 a second on one connection that takes 50 ms an answer: 20 a second at most.
        sent = open_loop.send(address, requests, rate=100, connections=1, timeout=2)

    assert sent.statuses == {202: 10}
    assert sent.lateness[0] < SERVER_SECONDS
    assert sent.lateness[-1] > 0.3  # the tenth was due at 90 ms, written after ~450 ms
    for answer, late in zip(sent.answers, sent.lateness, strict=True):
        assert answer >= late + SERVER_SECONDS


def test_an_unanswered_request_is_counted_by_its_error():
    with _slow_server() as address:
        host = f"{address[0]}:{address[1]}"
        requests = [open_loop.request_bytes(host, "/hook", b"{}", {})]
        sent = open_loop.send(address, requests, rate=10, connections=1, timeout=0.01)

    assert sent.statuses == {"TimeoutError": 1}
    assert sent.answers[0] >= 0.01
