"""Runs the scale scenarios (see the package's docstring) and prints their figures."""

import importlib
import logging
import os
import pkgutil
import sys
import tempfile
import time

from . import runner


def main(names: list[str]) -> int:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    services = runner.Services.from_environment()
    missing = services.missing()
    if missing:
        print(f"bench-scale skipped: {missing}")
        return 0
    size = runner.size()
    print(f"bench-scale: {size:,} restaurants; {services.describe()}")
    with tempfile.TemporaryDirectory(prefix="portal-bench-scale-") as workdir:
        os.environ["BENCH_WORKDIR"] = workdir
        services.prepare(workdir)
        # A line per connection (150,000 at a first discovery) would bury the figures.
        logging.getLogger("integrations.sync.lifecycle").setLevel(logging.WARNING)
        report = runner.Reporter()
        for name in names or _scenario_modules():
            module = importlib.import_module(f"bench.scale.{name}")
            started = time.monotonic()
            print(f"== {name}", flush=True)
            module.run(report, size)
            print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
    print()
    report.summary()
    return 0


def _scenario_modules() -> list[str]:
    """Every module of this package that defines run(report, size)."""
    package = importlib.import_module("bench.scale")
    names = []
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("_") or module.name == "runner":
            continue
        if hasattr(importlib.import_module(f"bench.scale.{module.name}"), "run"):
            names.append(module.name)
    return names


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
