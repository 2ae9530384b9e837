"""Exits 0 when both PostgreSQL and Redis answer at the given URLs."""

import socket
import sys
from urllib.parse import urlsplit


def answers(url):
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=2):
            return True
    except OSError as exc:
        print(f"{parts.scheme} at {parts.hostname}:{parts.port}: {exc}")
        return False


sys.exit(0 if all([answers(url) for url in sys.argv[1:]]) else 1)
