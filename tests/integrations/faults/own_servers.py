"""A Redis or a PostgreSQL of a test's own, to restart mid-run: never the shared ones.

Each listens on a Unix socket in the test's temporary directory only, so that
two test processes (or two people on one machine) never meet on a port. A test
is skipped, saying why, where the server's binaries are not installed.
"""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis
from django_q.brokers.redis_broker import Redis as RedisBroker


class OwnRedis:
    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.socket = directory / "redis.sock"
        self.url = f"unix://{self.socket}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        options = ["--port", "0", "--unixsocket", str(self.socket), "--save", ""]
        self.process = subprocess.Popen(
            [self.binary, *options, "--appendonly", "no"], stdout=subprocess.DEVNULL
        )
        _until(lambda: self.socket.exists() and redis.from_url(self.url).ping())

    def stop(self) -> None:
        """As `redis-cli shutdown nosave`: whatever it held is gone."""
        assert self.process
        self.process.terminate()
        self.process.wait(timeout=20)

    def restart(self) -> None:
        self.stop()
        self.start()

    def broker(self) -> RedisBroker:
        """A django-q2 broker on this Redis, for this test process (whose own is another)."""
        url = self.url

        class Broker(RedisBroker):
            @staticmethod
            def get_connection(list_key=None):
                return redis.from_url(url)

        return Broker()


@contextlib.contextmanager
def own_redis():
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed: a Redis of the test's own to restart")
    with tempfile.TemporaryDirectory(prefix="redis-") as directory:
        server = OwnRedis(binary, Path(directory))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _until(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if condition():
                return
        time.sleep(0.05)
    raise RuntimeError("the server did not start")


def postgres_binaries() -> Path | None:
    """The directory of the machine's `initdb` and `pg_ctl`, if installed."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent  # /usr/local/bin holds only some of them
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


class OwnPostgres:
    """A PostgreSQL cluster in `directory`, listening on its Unix socket only (the port
    only names the socket). As root, its programs run as the `postgres` user."""

    def __init__(self, binaries: Path, directory: Path, port: int = 5440) -> None:
        self.binaries, self.directory, self.port = binaries, directory, port
        self.data = directory / "data"
        self.url = f"postgres://postgres@/portal?host={directory}&port={port}"

    def _run(self, program: str, *arguments: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*as_postgres, str(self.binaries / program), *arguments]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-N")
        self.start()
        self._run(
            "createdb", "-h", str(self.directory), "-p", str(self.port), "-U", "postgres", "portal"
        )

    def _ctl(self, *arguments: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=''"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", *arguments)

    def start(self) -> None:
        self._ctl("-l", str(self.directory / "log"), "start")

    def restart(self) -> None:
        """As an operator's restart: every connection is cut, then it answers again."""
        self._ctl("-m", "fast", "-l", str(self.directory / "log"), "restart")

    def stop(self) -> None:
        self._ctl("-m", "immediate", "stop")


@contextlib.contextmanager
def own_postgres():
    """Yields an OwnPostgres with an empty database `portal`; None where PostgreSQL's
    programs are not installed."""
    binaries = postgres_binaries()
    if binaries is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="pg-") as directory:
        server = OwnPostgres(binaries, Path(directory))
        server.create()
        try:
            yield server
        finally:
            server.stop()
