"""The runner's parts: where PostgreSQL and Redis are, the size, the printed figures."""

import os
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

# As tests/bin/run-tests finds them.
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/portal"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
DEFAULT_SIZE = 150_000
GOAL = re.compile(r"^\s*(<=|>=|<|>|==)\s*([-+0-9.eE]+)")


def size() -> int:
    """BENCH_SCALE_RESTAURANTS, 150,000 unless set."""
    return int(os.environ.get("BENCH_SCALE_RESTAURANTS") or DEFAULT_SIZE)


@dataclass
class Services:
    postgres_url: str
    redis_url: str

    @classmethod
    def from_environment(cls) -> "Services":
        return cls(
            os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES,
            os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS,
        )

    @property
    def database_url(self) -> str:
        """A database of the benchmark's own beside the one named: it is emptied each run."""
        parts = urlsplit(self.postgres_url)
        name = parts.path.lstrip("/") or "portal"
        return urlunsplit(parts._replace(path=f"/{name}_bench_scale"))

    def missing(self) -> str:
        """Why the scenarios cannot run here ('' when both services answer)."""
        reasons = [
            f"{what} does not answer at {url} ({problem})"
            for what, url in (("PostgreSQL", self.postgres_url), ("Redis", self.redis_url))
            if (problem := _unreachable(url))
        ]
        return "; ".join(reasons)

    def describe(self) -> str:
        return f"PostgreSQL {self.database_url}, Redis {self.redis_url}"

    def prepare(self, workdir: str) -> None:
        """A new, migrated database; Django set up on it and on Redis (this process and
        those it starts inherit the environment)."""
        _recreate_database(self.database_url)
        os.environ["DATABASE_URL"] = self.database_url
        os.environ["REDIS_URL"] = self.redis_url
        from bench.__main__ import setup_django

        setup_django(workdir)
        from django.core.cache import cache

        cache.clear()


def _unreachable(url: str) -> str:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 0), timeout=2):
            return ""
    except OSError as exc:
        return str(exc)


def _recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Reporter:
    """report(name, value, goal, unit=''): prints the figure now and keeps it for the summary."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, name: str, value: float, goal: str, unit: str = "") -> None:
        line = format_figure(name, value, goal, unit)
        self.lines.append(line)
        print(f"   {line}", flush=True)

    def summary(self) -> None:
        for line in self.lines:
            print(line)


def format_figure(name: str, value: float, goal: str, unit: str = "") -> str:
    amount = f"{value:.3g}{f' {unit}' if unit else ''}"
    return f"{name}: {amount} (goal: {goal}{f' {unit}' if unit else ''}){_verdict(value, goal)}"


def _verdict(value: float, goal: str) -> str:
    match = GOAL.match(goal)
    if not match:
        return ""
    bound = float(match[2])
    met = {
        "<=": value <= bound,
        ">=": value >= bound,
        "<": value < bound,
        ">": value > bound,
        "==": value == bound,
    }[match[1]]
    return " ok" if met else " MISSED"
