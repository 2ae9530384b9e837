"""Refresh work a dead worker left behind: noticed by its stopped heartbeat, queued again.

A running chunk whose heartbeat (chunk_state.py) is older than
`TOAST_SYNC_LOST_AFTER_SECONDS` has lost its worker (SIGKILL, a lost
machine). Neither broker hands its task to another worker in time: Redis has
dropped it, the database broker would only after `retry` (11 minutes). So
the restaurants it still claims are taken back and queued as a new chunk of
the same run; what it neither finished nor claims (taken over by another
chunk) is counted as skipped, so the run still adds up and finishes. A queued
chunk no worker started, while neither the broker nor a live cluster holds
a task, was lost the same way (a killed cluster had fetched it ahead) and is
queued again whole. A poll or a discovery is one task with a heartbeat of its
own (run_tasks.py): lost, running or queued, its run's task is queued again
(both only reconcile with the platform, so doing one over does no harm).

The sweep runs every minute on any worker (setup_schedules), at the start of
every chunk and at start-up, so a lost chunk is noticed within two minutes.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.status import Stat

from integrations.models import RefreshChunk, SyncRun

from . import chunk_state, claims, run_tasks, runs

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Swept:
    lost_chunks: int
    requeued: int
    abandoned_runs: int
    lost_tasks: int = 0


def sweep() -> Swept:
    """The housekeeping of the schedule and of start-up: lost chunks queued again, then
    runs nobody works on failed."""
    lost = recover_lost_chunks()
    tasks = recover_lost_tasks()
    abandoned = runs.sweep_abandoned()
    return Swept(len(lost), sum(chunk.requeued for chunk in lost), abandoned, len(tasks))


def recover_lost_chunks() -> list[RefreshChunk]:
    """Queues again what lost chunks had not finished; returns those chunks, marked lost."""
    cutoff = timezone.now() - chunk_state.lost_after()
    running = RefreshChunk.objects.filter(status=RefreshChunk.Status.RUNNING)
    stale = list(running.filter(heartbeat_at__lt=cutoff))
    waiting = RefreshChunk.objects.filter(status=RefreshChunk.Status.QUEUED, queued_at__lt=cutoff)
    if waiting.exists() and not _tasks_waiting():
        stale += list(waiting)
    return [chunk for chunk in stale if _requeue(chunk, cutoff)]


def recover_lost_tasks() -> list[SyncRun]:
    """Queues again the poll and discovery runs whose task was lost; returns those runs."""
    cutoff = timezone.now() - chunk_state.lost_after()
    own_task = SyncRun.objects.filter(kind__in=list(run_tasks.TASKS))
    stale = list(own_task.filter(status=SyncRun.Status.RUNNING, heartbeat_at__lt=cutoff))
    # A queued run's progress stamp is when it was (last) queued.
    waiting = own_task.filter(status=SyncRun.Status.QUEUED, progressed_at__lt=cutoff)
    if waiting.exists() and not _tasks_waiting():
        stale += list(waiting)
    return [run for run in stale if _requeue_task(run, cutoff)]


def _requeue_task(run: SyncRun, cutoff: datetime) -> bool:
    with transaction.atomic():
        lost = SyncRun.objects.filter(pk=run.pk, status=run.status)
        if run.status == SyncRun.Status.RUNNING:
            lost = lost.filter(heartbeat_at__lt=cutoff)
        host = run.holder.partition(":")[0]
        if not lost.update(
            status=SyncRun.Status.QUEUED,
            holder="",
            heartbeat_at=None,
            lost_on=host,
            requeues=F("requeues") + 1,
            progressed_at=timezone.now(),
        ):
            return False
        transaction.on_commit(lambda: run_tasks.queue(run))
    run.refresh_from_db()
    logger.warning("%s #%s: %s", run.get_kind_display(), run.pk, run.task_loss_report())
    return True


def _tasks_waiting() -> int:
    """Tasks in the broker, or fetched ahead by a live cluster (whose status lapses 3 s
    after it dies): a queued chunk that is neither was lost."""
    broker = get_broker()
    return broker.queue_size() + sum(stat.task_q_size for stat in Stat.get_all(broker))


def _requeue(chunk: RefreshChunk, cutoff: datetime) -> bool:
    with transaction.atomic():
        # The conditional update lets one sweep alone recover a chunk, and not one
        # whose heartbeat came back meanwhile.
        lost = RefreshChunk.objects.filter(pk=chunk.pk, status=chunk.status)
        if chunk.status == RefreshChunk.Status.RUNNING:
            lost = lost.filter(heartbeat_at__lt=cutoff)
        if not lost.update(status=RefreshChunk.Status.LOST, lost_at=timezone.now(), guids=[]):
            return False
        if chunk.status == RefreshChunk.Status.RUNNING:
            unfinished = claims.take_back(chunk.holder)
        else:
            unfinished = list(chunk.guids)
        chunk.requeued = len(unfinished)
        RefreshChunk.objects.filter(pk=chunk.pk).update(requeued=chunk.requeued)
        if unfinished:
            chunk_state.queue(chunk.run_id, unfinished)
        # Neither counted nor claimed: another chunk took them over (or they left).
        runs.add(chunk.run_id, {"skipped": len(chunk.guids) - chunk.done - len(unfinished)})
    chunk.status = RefreshChunk.Status.LOST
    logger.warning("Refresh chunk %s of run %s: %s", chunk.pk, chunk.run_id, chunk.loss_report())
    return True
