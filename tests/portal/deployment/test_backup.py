"""`manage.py backup` copies the database while a sync writes to it, and a copy that
`manage.py restore` puts into another database serves the same restaurants."""

import io
import json
import threading
import time
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection, connections

from integrations.models import SyncRun
from tests.platform import control
from tests.portal.deployment.commands import manage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def export_all():
    out = io.StringIO()
    call_command("export_restaurant_info", "--all", stdout=out)
    return json.loads(out.getvalue())


def sync_all():
    call_command("sync_restaurants", "--all", stdout=io.StringIO())


@pytest.fixture
def other_database(tmp_path):
    """The URL of an empty database beside the test database, to restore into."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(settings["USER"]) + (
        f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    )
    yield f"postgres://{credentials}@{settings['HOST']}:{settings['PORT']}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def postgres_clients():
    if connection.vendor == "postgresql":
        import shutil

        missing = [name for name in ("pg_dump", "pg_restore") if not shutil.which(name)]
        if missing:
            pytest.skip(f"{' and '.join(missing)} not on PATH (PostgreSQL's client programs)")


def backup_during(sync, destination):
    """Starts `sync` in a thread, backs up once its run is under way, waits for the end."""
    worker = threading.Thread(target=_in_own_connection, args=(sync,))
    worker.start()
    try:
        while not SyncRun.objects.filter(status=SyncRun.Status.RUNNING, done__gt=0).exists():
            assert worker.is_alive(), "the sync ended before the backup could start"
            time.sleep(0.02)
        call_command("backup", destination, stdout=io.StringIO())
    finally:
        worker.join()


def _in_own_connection(work):
    try:
        work()
    finally:
        connections.close_all()


def test_a_backup_taken_during_a_sync_restores_the_same_restaurants(
    toast, sim, tmp_path, other_database, postgres_clients, settings
):
    call_command("sync_restaurants", "--discover", "--all", stdout=io.StringIO())
    before = export_all()
    # One slow answer at a time keeps the second sync writing (about 1 s) while
    # the backup is taken.
    settings.TOAST_SYNC_CONCURRENCY = 1
    control(sim, "PUT", "faults", json={"latency_ms": 120})
    copy = tmp_path / "portal.backup"

    backup_during(sync_all, copy)

    restored = manage("restore", str(copy), "--noinput", DATABASE_URL=other_database, REDIS_URL="")
    assert restored.returncode == 0, restored.stderr
    exported = manage("export_restaurant_info", "--all", DATABASE_URL=other_database, REDIS_URL="")
    assert exported.returncode == 0, exported.stderr
    assert len(before) > 10
    assert json.loads(exported.stdout) == before
    runs = manage("dumpdata", "integrations.syncrun", DATABASE_URL=other_database, REDIS_URL="")
    in_copy = [row["fields"] for row in json.loads(runs.stdout)]
    assert any(run["status"] == "running" and 0 < run["done"] < run["total"] for run in in_copy), (
        "the copy shows the sync under way"
    )


def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"

    result = manage("restore", str(bogus), "--noinput", DATABASE_URL=target, REDIS_URL="")

    assert result.returncode != 0
    assert "is not" in result.stderr
