"""The whole loop on a real django-q2 cluster: discovery, chunked refresh, live progress."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django_q.brokers import get_broker

from integrations.models import SyncRun
from integrations.sync import enqueue_discovery, enqueue_refresh
from restaurants.models import Connection, Restaurant
from tests.platform import connected_guids

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def qcluster(sim):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "TOAST_API_HOSTNAME": sim.url,
        "Q_WORKERS": "2",
        "Q_ORM_POLL_SECONDS": "0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    process.wait(timeout=20)


def _wait_for(condition, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_refresh_is_chunked_into_few_tasks(toast, sim, settings):
    get_broker().purge_queue()
    settings.TOAST_SYNC_CHUNK_SIZE = 4
    guids = connected_guids(sim)
    for guid in guids:
        Connection.objects.create(restaurant=Restaurant.objects.create(guid=guid))
    run = enqueue_refresh(guids + guids, trigger=SyncRun.Trigger.STAFF)
    assert run.total == len(guids)  # each restaurant once
    assert get_broker().queue_size() == -(-len(guids) // 4)
    get_broker().purge_queue()


def test_discovery_then_refresh_on_a_real_cluster(toast, sim, qcluster):
    run = enqueue_discovery(trigger=SyncRun.Trigger.STARTUP)
    assert _wait_for(lambda: SyncRun.objects.filter(kind="refresh", status="finished").exists())
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FINISHED
    refresh = SyncRun.objects.get(kind="refresh")
    connected = Connection.objects.connected().count()
    assert (refresh.total, refresh.done, refresh.percent) == (connected, connected, 100)
    assert Restaurant.objects.exclude(content_sha256="").count() == connected
    assert qcluster.poll() is None
