"""The whole loop on a real django-q2 cluster: discovery, chunked refresh, live progress."""

import time

import pytest
from django_q.brokers import get_broker
from django_q.signing import SignedPackage

from integrations.models import SyncRun
from integrations.sync import enqueue_discovery, enqueue_refresh, refresh
from restaurants.models import Connection, Restaurant
from tests.platform import connected_guids, qcluster

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cluster(sim):
    with qcluster(sim.url, DJANGO_SETTINGS_MODULE="tests.settings") as process:
        yield process


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
    given = guids + [guid.upper() for guid in guids] + ["not-a-guid"]
    run = enqueue_refresh(given, trigger=SyncRun.Trigger.STAFF)
    assert run.total == len(guids)  # each restaurant once, and nothing for what is no GUID
    assert get_broker().queue_size() == len(refresh.chunks(guids))
    get_broker().purge_queue()


def test_only_connected_restaurants_are_queued_however_their_guids_are_written(toast, sim):
    get_broker().purge_queue()
    guids = connected_guids(sim)[:3]
    for guid in guids:
        Connection.objects.create(restaurant=Restaurant.objects.create(guid=guid))
    Connection.objects.filter(restaurant_id=guids[1]).update(status=Connection.Status.REMOVED)

    run = enqueue_refresh([guids[0].upper(), guids[1], guids[2]], trigger=SyncRun.Trigger.STAFF)

    assert run.total == 2
    broker = get_broker()
    tasks = [task for _ in range(broker.queue_size()) for task in broker.dequeue()]
    chunks = [SignedPackage.loads(payload)["args"][1] for _, payload in tasks]
    assert sorted(guid for chunk in chunks for guid in chunk) == sorted([guids[0], guids[2]])
    broker.purge_queue()


@pytest.mark.parametrize(
    ("restaurants", "workers", "sizes"),
    [
        (10, 2, [5, 5]),
        (650, 2, [325, 325]),
        (1995, 2, [498, 499, 499, 499]),
        (10_000, 2, [500] * 20),
        (9, 4, [2, 2, 2, 3]),
        (3, 4, [1, 1, 1]),
        (0, 2, []),
    ],
)
def test_chunks_are_near_equal_and_a_multiple_of_the_workers(restaurants, workers, sizes, settings):
    settings.TOAST_SYNC_CHUNK_SIZE = 500
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "workers": workers}
    guids = [f"guid-{n}" for n in range(restaurants)]
    chunks = refresh.chunks(guids)
    assert [len(chunk) for chunk in chunks] == sizes
    assert [guid for chunk in chunks for guid in chunk] == guids


def test_discovery_then_refresh_on_a_real_cluster(toast, sim, cluster):
    run = enqueue_discovery(trigger=SyncRun.Trigger.STARTUP)
    assert _wait_for(lambda: SyncRun.objects.filter(kind="refresh", status="finished").exists())
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FINISHED
    refresh = SyncRun.objects.get(kind="refresh")
    connected = Connection.objects.connected().count()
    assert (refresh.total, refresh.done, refresh.percent) == (connected, connected, 100)
    assert Restaurant.objects.exclude(content_sha256="").count() == connected
    assert cluster.poll() is None
