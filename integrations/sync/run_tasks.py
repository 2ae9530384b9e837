"""A poll's or a discovery's run: one queue task, its heartbeat, queued again when lost.

A refresh chunk beats on its flushes (chunk_state.py); a poll or a discovery
has none, and one page of the partners API may take long (a backoff after a
429, a slow platform), so a thread of the task's process stamps the run every
HEARTBEAT_SECONDS while the task works. A SIGKILL stops the thread with its
process: the stamp ages, and the recovery sweep (recovery.py) queues the same
run's task again. The task claims its run as it starts, so a second delivery
(the database broker's retry) of a run that finished or that a live worker has
does nothing.
"""

import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, TypeVar

from django.db import DatabaseError, connections
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from integrations.models import SyncRun

from . import chunk_state
from .claims import new_owner

logger = logging.getLogger(__name__)

TASKS = {
    SyncRun.Kind.POLL: "integrations.tasks.poll",
    SyncRun.Kind.DISCOVER: "integrations.tasks.discover",
}
P = ParamSpec("P")
R = TypeVar("R")


def queue(run: SyncRun) -> None:
    """Hands the task of poll or discovery `run` to the queue."""
    kwargs = {}
    if run.kind == SyncRun.Kind.DISCOVER:
        # A scheduled discovery leaves the refresh to its own schedule; any other
        # refreshes what it found (a command's, lost with its process, too).
        kwargs["then_refresh"] = run.trigger != SyncRun.Trigger.SCHEDULE
    async_task(TASKS[SyncRun.Kind(run.kind)], run.pk, task_name=f"{run.kind}-{run.pk}", **kwargs)


def alive() -> "Q":
    """Runs whose task's heartbeat is recent: their worker is alive."""
    return Q(
        status=SyncRun.Status.RUNNING, heartbeat_at__gte=timezone.now() - chunk_state.lost_after()
    )


def claim(run_id: int, holder: str) -> bool:
    """Takes run `run_id` for `holder`; False when it ended or a live worker has it."""
    now = timezone.now()
    free = Q(heartbeat_at=None) | Q(heartbeat_at__lt=now - chunk_state.lost_after())
    waiting = SyncRun.objects.filter(
        free, pk=run_id, status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING]
    )
    return bool(
        waiting.update(
            status=SyncRun.Status.RUNNING, holder=holder, heartbeat_at=now, progressed_at=now
        )
    )


def with_heartbeat(
    task: Callable[Concatenate[int, P], R],
) -> Callable[Concatenate[int, P], R | None]:
    """Runs `task(run_id, ...)` once its run is claimed, beating on the run meanwhile."""

    @functools.wraps(task)
    def run(run_id: int, *args: P.args, **kwargs: P.kwargs) -> R | None:
        holder = new_owner()
        if not claim(run_id, holder):
            logger.info("Run %s has ended or a live worker has it: nothing to do", run_id)
            return None
        with _beating(run_id, holder):
            return task(run_id, *args, **kwargs)

    return run


@contextmanager
def _beating(run_id: int, holder: str) -> Iterator[None]:
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(run_id, holder, stop), name=f"beat-{run_id}")
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join()


def _beat(run_id: int, holder: str, stop: threading.Event) -> None:
    mine = SyncRun.objects.filter(pk=run_id, holder=holder, status=SyncRun.Status.RUNNING)
    try:
        # Three beats within the limit, so that one late beat is not a lost worker.
        every = min(chunk_state.HEARTBEAT_SECONDS, chunk_state.lost_after().total_seconds() / 3)
        while not stop.wait(every):
            try:
                mine.update(heartbeat_at=timezone.now())
            except DatabaseError as exc:
                # The database restarting, say: the next beat reconnects.
                logger.warning("Heartbeat of run %s not stamped: %s", run_id, exc)
                connections.close_all()
    finally:
        connections.close_all()  # this thread's own
