"""Runs the benchmarks against a fresh database and prints one line per figure.

name: value (goal: ...)
"""

import importlib
import os
import secrets
import sys
import tempfile
import time

MODULES = ["bench.simulator_throughput", "bench.sync", "bench.staff_pages"]


def setup_django(workdir):
    # A database of its own: the benchmarks write thousands of restaurants.
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    # Measured as deployed, whatever .env says (`make run` writes DEBUG=true):
    # with DEBUG every process keeps its queries, and a sync of 10,000 peaked
    # at 121 MiB against 96 MiB for 1,000 (1.27, not 1.06). The environment
    # wins over .env, here and in every process the benchmarks start.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # As `make run` serves them: hashed static names from collectstatic's manifest,
    # and a real key (the portal refuses to start without one; .env may be absent).
    os.environ["STATIC_ROOT"] = f"{workdir}/static"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def main(names):
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as workdir:
        os.environ["BENCH_WORKDIR"] = workdir
        setup_django(workdir)
        figures = []
        for name in names or MODULES:
            started = time.monotonic()
            print(f"== {name}", flush=True)
            figures.extend(importlib.import_module(name).run())
            print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
    print()
    for name, value, goal in figures:
        print(f"{name}: {value:.3g} (goal: {goal})")


if __name__ == "__main__":
    main(sys.argv[1:])
