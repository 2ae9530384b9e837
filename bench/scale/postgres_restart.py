"""PostgreSQL restarted during a refresh run: the workers reconnect, no restaurant is
half-written, the run completes.

A PostgreSQL of the scenario's own (tests/integrations/faults/own_servers.py: a
Unix socket in a temporary directory, never the shared server) holds the portal's
database and its queue (the ORM broker, so the restart takes the queue down
too). A simulator with 50 ms of latency serves `size` restaurants at most 400
(a few seconds of refresh); a real `qcluster` refreshes them in chunks of 25,
and PostgreSQL is restarted once a quarter are done. The sweep of the
one-minute schedule is sent every few seconds meanwhile (the run has no minute).
Figures: the restaurants the run left unrefreshed that a run after it refreshed
(goal 0), the restaurants whose stored hash has no snapshot (half-written; goal
0), and the seconds from the restart to the run's end.
"""

import os
import subprocess
import sys
import time

import psycopg
from django.conf import settings

from bench.scale import Report
from tests.integrations.faults.own_servers import own_postgres
from tests.platform import qcluster, simulator_process

LATENCY_MS = 50
CHUNK = 25
WORKER = {"TOAST_SYNC_LOST_AFTER_SECONDS": 5, "TOAST_SYNC_CHUNK_SIZE": CHUNK, "Q_WORKERS": 2}


def run(report: Report, size: int) -> None:
    with own_postgres() as server:
        if server is None:
            print("   skipped: PostgreSQL's initdb and pg_ctl are not installed")
            return
        with simulator_process(min(size, 400), "--latency-ms", str(LATENCY_MS)) as api:
            env = {**os.environ, **_strings(WORKER), "DATABASE_URL": server.url, "REDIS_URL": ""}
            env["TOAST_API_HOSTNAME"] = api
            _manage(env, "migrate", "-v0")
            _manage(env, "sync_restaurants", "--discover")
            with qcluster(api, **WORKER, DATABASE_URL=server.url, REDIS_URL=""):
                _manage(env, "sync_restaurants", "--all", "--queue")
                with psycopg.connect(_conninfo(server)) as db:
                    run_id, total = _query(
                        db,
                        "SELECT id, total FROM integrations_syncrun"
                        " WHERE kind = 'refresh' ORDER BY id DESC LIMIT 1",
                    )
                    _until(lambda: _done(db, run_id) >= total / 4)
                server.restart()
                restarted = time.monotonic()
                finished = _wait_for_the_run(server, env, run_id)
                took = time.monotonic() - restarted
            with psycopg.connect(_conninfo(server)) as db:
                unfetched = _query(db, UNREFRESHED)[0]
                half_written = _query(db, HALF_WRITTEN)[0]
                done, failed, skipped = _query(
                    db,
                    f"SELECT done, failed, skipped FROM integrations_syncrun WHERE id = {run_id}",
                )
            # What the platform does not serve (removed meanwhile, say) stays unfetched by
            # a run with no restart too: only the difference was lost to the restart.
            _manage(env, "sync_restaurants", "--all", check=False)
            with psycopg.connect(_conninfo(server)) as db:
                not_refreshed = unfetched - _query(db, UNREFRESHED)[0]
    print(
        f"   {total} restaurants, PostgreSQL restarted at a quarter: the run "
        f"{'finished' if finished else 'had not finished'} {took:.1f} s later "
        f"({done} done, {failed} failed, {skipped} skipped); {not_refreshed} not refreshed that "
        f"a run after it did refresh, {half_written} half-written"
    )
    report("postgres_restart_restaurants_not_refreshed", not_refreshed, "<= 0")
    report("postgres_restart_restaurants_half_written", half_written, "<= 0")
    report("postgres_restart_run_finished_after", took, "reported", unit="s")


UNREFRESHED = """
    SELECT count(*) FROM restaurants_connection c
    JOIN restaurants_restaurant r ON r.guid = c.restaurant_id
    WHERE c.status = 'connected' AND r.content_sha256 = ''"""
# Written in one transaction, a restaurant's hash always has its snapshot.
HALF_WRITTEN = """
    SELECT count(*) FROM restaurants_restaurant r
    WHERE r.content_sha256 <> '' AND NOT EXISTS (
        SELECT 1 FROM restaurants_snapshot s
        WHERE s.restaurant_id = r.guid AND s.sha256 = r.content_sha256)"""
HOUSEKEEPING = "from integrations.tasks import recover_lost_work; recover_lost_work()"


def _wait_for_the_run(server, env, run_id, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(_conninfo(server)) as db:
                if _query(db, f"SELECT status FROM integrations_syncrun WHERE id = {run_id}")[
                    0
                ] == ("finished"):
                    return True
        except psycopg.OperationalError:
            pass  # still restarting
        _manage(env, "shell", "-c", HOUSEKEEPING, check=False)
    return False


def _done(db, run_id):
    return _query(db, f"SELECT done FROM integrations_syncrun WHERE id = {run_id}")[0]


def _query(db, sql):
    with db.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def _until(condition, timeout=120):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the refresh made no progress")
        time.sleep(0.1)


def _manage(env, *arguments, check=True):
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        check=check,
        stdout=subprocess.DEVNULL,
    )


def _conninfo(server):
    return f"host={server.directory} port={server.port} user=postgres dbname=portal"


def _strings(values):
    return {key: str(value) for key, value in values.items()}
