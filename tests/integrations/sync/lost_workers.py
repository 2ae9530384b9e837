"""What the tests of lost workers share: a worker that gives up heartbeats in seconds, and
a surviving cluster doing the one-minute housekeeping every second."""

import time

from django_q.tasks import async_task

from tests.platform import qcluster

# Heartbeats are given up after 2 s here (30 s in production), so that the test waits
# seconds, not minutes, for what the schedule does every minute.
WORKER = {
    "DJANGO_SETTINGS_MODULE": "tests.settings",
    "TOAST_SYNC_CONCURRENCY": 1,
    "TOAST_SYNC_LOST_AFTER_SECONDS": 2,
}


def wait_for(condition, timeout=60, every=None):
    """Waits for `condition`; `every()` runs each second meanwhile."""
    deadline = time.monotonic() + timeout
    beat = 0.0
    while time.monotonic() < deadline:
        if condition():
            return True
        if every and time.monotonic() - beat > 1:
            beat = time.monotonic()
            every()
        time.sleep(0.1)
    return False


def survivor_recovers(api_url, condition, timeout=60):
    """A new cluster, sent the housekeeping of the one-minute schedule every second (the
    test has no minute), until `condition()` holds."""
    with qcluster(api_url, workers=1, **WORKER):
        return wait_for(
            condition,
            timeout,
            every=lambda: async_task("integrations.tasks.recover_lost_work"),
        )
