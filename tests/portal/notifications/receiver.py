"""A chat incoming webhook on loopback, for the notification tests: it keeps every JSON
body it is sent and answers the first `failures` requests with a 500."""

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, failures: int = 0, status: int = 500):
        self.failures, self.status = failures, status
        self.attempts: list[dict] = []
        self.received: list[dict] = []
        self.url = ""


@contextlib.contextmanager
def chat_receiver(failures=0, status=500):
    receiver = Receiver(failures, status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            receiver.attempts.append(body)
            failing = len(receiver.attempts) <= receiver.failures
            if not failing:
                receiver.received.append(body)
            self.send_response(receiver.status if failing else 200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
