"""A refresh chunk's row: queued, started by one worker, its heartbeat, done.

The heartbeat rides on the chunk's flush (refresh.py), which commits the
run's counts and lets go of claims about once a second anyway: one more row
updated in the same transaction, nothing of its own. The chunk's main thread
flushes too, at least every HEARTBEAT_SECONDS, so a chunk whose requests are
all slow still shows it is alive.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django_q.tasks import async_task

from integrations.models import RefreshChunk

HEARTBEAT_SECONDS = 5.0


def lost_after() -> timedelta:
    """How long a running chunk may go without a heartbeat before it counts as lost."""
    return timedelta(seconds=settings.TOAST_SYNC_LOST_AFTER_SECONDS)


def alive() -> "QuerySet[RefreshChunk]":
    """The running chunks whose heartbeat is recent: their workers are alive."""
    recent = timezone.now() - lost_after()
    return RefreshChunk.objects.filter(status=RefreshChunk.Status.RUNNING, heartbeat_at__gte=recent)


def queue(run_id: int, guids: list[str]) -> RefreshChunk:
    """A new chunk of run `run_id`, handed to the queue once the transaction commits."""
    chunk = RefreshChunk.objects.create(run_id=run_id, guids=guids)
    transaction.on_commit(
        lambda: async_task(
            "integrations.tasks.refresh_chunk",
            run_id,
            guids,
            chunk.pk,
            task_name=f"refresh-{run_id}-{chunk.pk}",
            group=f"sync-run-{run_id}",
        )
    )
    return chunk


def begin(run_id: int, guids: list[str], holder: str) -> int:
    """A chunk run in this process without the queue (the command, the benchmark): it
    starts as running, so that a lost one is queued again all the same."""
    chunk = RefreshChunk.objects.create(
        run_id=run_id,
        guids=guids,
        status=RefreshChunk.Status.RUNNING,
        holder=holder,
        heartbeat_at=timezone.now(),
    )
    return chunk.pk


def start(chunk_id: int, holder: str) -> bool:
    """Takes a queued chunk for `holder`; False when it is not queued any more: a second
    delivery of its task (the database broker's retry), or queued again meanwhile."""
    return bool(
        RefreshChunk.objects.filter(pk=chunk_id, status=RefreshChunk.Status.QUEUED).update(
            status=RefreshChunk.Status.RUNNING, holder=holder, heartbeat_at=timezone.now()
        )
    )


def beat(chunk_id: int, holder: str, done: int, *, last: bool = False) -> bool:
    """The heartbeat, with the restaurants the same flush counts in the run; the `last`
    one marks the chunk done. False when the chunk was given up as lost meanwhile:
    its restaurants are queued again, and the flush must not count them here."""
    fields = {"heartbeat_at": timezone.now(), "done": F("done") + done}
    if last:
        fields.update(status=RefreshChunk.Status.DONE, guids=[])
    mine = RefreshChunk.objects.filter(pk=chunk_id, holder=holder)
    return bool(mine.filter(status=RefreshChunk.Status.RUNNING).update(**fields))
