"""A scenario's start from a settled machine, as an operator's portal is when a storm
comes: the processes an earlier scenario started have exited, its PostgreSQL
queries have ended, and PostgreSQL has written its dirty pages (a CHECKPOINT:
autovacuum is off here and a 150,000-restaurant sync leaves gigabytes of them,
which the checkpointer would otherwise write during the next scenario).
Whatever the portal itself does during that scenario still counts."""

import os
import time

from django.db import connection

MiB = 1024 * 1024


def settle(timeout: float = 300) -> None:
    """Waits (at most `timeout` s for each) and prints what it waited for and the load."""
    started = time.monotonic()
    processes = _wait_while(_earlier_processes, timeout)
    queries = _wait_while(_busy_backends, timeout)
    dirty = _dirty_mib()
    before = _buffers_checkpointed()
    checkpoint = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    written = (_buffers_checkpointed() - before) * _block_size() / MiB
    print(
        f"   settled in {time.monotonic() - started:.1f} s: waited for {processes} process(es) "
        f"and {queries} PostgreSQL quer(ies) of earlier scenarios; CHECKPOINT wrote "
        f"{written:.0f} MiB in {time.monotonic() - checkpoint:.1f} s (the system's dirty "
        f"pages {dirty:.0f} MiB before, {_dirty_mib():.0f} after); at the start the cores "
        f"{_busy_share():.0%} busy over 1 s, load average {os.getloadavg()[0]:.1f} (it lags "
        "by a minute)"
    )


def _wait_while(find, timeout: float) -> int:
    """Waits until find() returns nothing; how many it found at first."""
    first = len(find())
    deadline = time.monotonic() + timeout
    while find() and time.monotonic() < deadline:
        time.sleep(0.2)
    return first


def _earlier_processes() -> list[int]:
    """Living processes (not this one) started by this benchmark run: they inherit its
    BENCH_WORKDIR."""
    mark = f"BENCH_WORKDIR={os.environ['BENCH_WORKDIR']}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as environ:
                if mark in environ.read().split(b"\0"):
                    found.append(int(entry))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def _busy_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state <> 'idle'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def _buffers_checkpointed() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT buffers_checkpoint FROM pg_stat_bgwriter")
        return cursor.fetchone()[0]


def _block_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW block_size")
        return int(cursor.fetchone()[0])


def _busy_share(seconds: float = 1.0) -> float:
    """The share of the machine's cores busy over the next `seconds` (/proc/stat): what
    the load average, a minute's mean, cannot tell right after a busy scenario."""
    first = _cpu_times()
    time.sleep(seconds)
    second = _cpu_times()
    spent = [b - a for a, b in zip(first, second, strict=True)]
    idle = spent[3] + spent[4]  # idle and iowait
    return 1 - idle / sum(spent) if sum(spent) else 0.0


def _cpu_times() -> list[int]:
    with open("/proc/stat", encoding="ascii") as stat:
        return [int(field) for field in stat.readline().split()[1:]]


def _dirty_mib() -> float:
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("Dirty:"):
                return int(line.split()[1]) * 1024 / MiB
    return 0.0
