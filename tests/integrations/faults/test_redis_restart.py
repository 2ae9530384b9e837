"""Redis restarted during a refresh run: the queue and the cache are emptied at once.

The token and the rate-limit budgets live in the database, so no worker logs in
again or bursts past the limits; the chunks the broker held are lost with it,
and the recovery sweep queues them again: the run completes.
"""

import contextlib
import time
from unittest import mock

import pytest
from django_q.tasks import async_task

from integrations.models import RefreshChunk, SyncRun
from integrations.sync import enqueue_refresh, polling
from restaurants.models import Connection, Restaurant
from tests.integrations.faults.own_servers import own_redis
from tests.integrations.sync.lost_workers import WORKER, wait_for
from tests.platform import control, qcluster, stats

pytestmark = pytest.mark.django_db(transaction=True)

SIMULATOR_CONFIG = {"restaurants": 40, "groups": 2}


def test_a_redis_restart_mid_run_costs_no_login_no_429_and_the_run_completes(toast, sim, settings):
    polling.poll(toast, full=True)
    guids = [str(g) for g in Connection.objects.connected().values_list("pk", flat=True)]
    toast.tokens.get(toast.login)  # the token the workers share, in the database
    control(sim, "POST", "stats/reset")
    settings.TOAST_SYNC_CHUNK_SIZE = 4
    control(sim, "PUT", "faults", json={"latency_ms": 250})
    with own_redis() as server, _queue_on(server.broker()):
        with qcluster(sim.url, workers=1, REDIS_URL=server.url, **WORKER):
            run = enqueue_refresh(guids, trigger=SyncRun.Trigger.STAFF)
            some_done = SyncRun.objects.filter(pk=run.pk, done__gte=8)
            assert wait_for(some_done.exists)
            server.restart()
            restarted_at = time.monotonic()
            left = len(guids) - SyncRun.objects.get(pk=run.pk).done
            finished = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.FINISHED)
            housekeeping = lambda: async_task("integrations.tasks.recover_lost_work")  # noqa: E731
            assert wait_for(finished.exists, every=housekeeping)
        took = time.monotonic() - restarted_at

    run.refresh_from_db()
    assert (run.done, run.failed, run.skipped) == (len(guids), 0, 0)
    assert Restaurant.objects.filter(pk__in=guids).exclude(content_sha256="").count() == len(guids)
    seen = stats(sim)
    assert (seen["logins"], seen["rate_limited"]) == (0, 0)
    requeued = sum(c.requeued for c in RefreshChunk.objects.filter(run=run, status="lost"))
    print(
        f"Redis restarted with {left} of {len(guids)} restaurants to go: finished {took:.1f} s "
        f"later, {requeued} re-queued, {seen['logins']} logins, {seen['rate_limited']} 429s"
    )


@contextlib.contextmanager
def _queue_on(broker):
    """This test process queues (and a sweep here looks) on the test's own Redis too."""
    with (
        mock.patch("django_q.tasks.get_broker", return_value=broker),
        mock.patch("integrations.sync.recovery.get_broker", return_value=broker),
    ):
        yield
