"""make bench-scale: skipped saying why without PostgreSQL or Redis, one line a figure
with its verdict, and every scenario module of bench/scale found."""

import importlib
import inspect
import socket
import subprocess
import sys

from django.conf import settings

from bench.scale import __main__ as scale
from bench.scale.runner import format_figure


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_without_postgresql_it_says_why_and_runs_nothing():
    port = _closed_port()
    result = subprocess.run(
        [sys.executable, "-m", "bench.scale"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "TEST_POSTGRES_URL": f"postgres://postgres@127.0.0.1:{port}/portal",
            "TEST_REDIS_URL": f"redis://127.0.0.1:{port}/0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("bench-scale skipped: PostgreSQL does not answer at ")
    assert f"Redis does not answer at redis://127.0.0.1:{port}/0" in result.stdout
    assert "==" not in result.stdout  # no scenario started


def test_a_figure_says_whether_it_met_its_goal():
    assert format_figure("peak", 124.4, "<= 2048", "MiB") == "peak: 124 MiB (goal: <= 2048 MiB) ok"
    assert format_figure("ratio", 0.8, ">= 3") == "ratio: 0.8 (goal: >= 3) MISSED"
    assert format_figure("p95", 12, "about 10") == "p95: 12 (goal: about 10)"


def test_every_module_with_a_run_is_a_scenario():
    names = scale._scenario_modules()
    assert {"discovery", "simulator"} <= set(names)
    assert "runner" not in names and not any(name.startswith("_") for name in names)


def test_every_scenario_takes_what_the_runner_passes():
    """The runner calls run(report, size): a scenario with another signature would stop
    `make bench-scale` at its turn (staff_pages' run once took only a report)."""
    for name in scale._scenario_modules():
        run = importlib.import_module(f"bench.scale.{name}").run
        inspect.signature(run).bind(print, 10_000)  # TypeError if it takes other arguments
