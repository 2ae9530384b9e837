"""Sync runs: the rows staff watch, with counters every worker adds to atomically."""

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from integrations.models import SyncRun
from integrations.toast import errors

from . import chunk_state, run_tasks


def start(kind, trigger, *, total=0, requested_by=None, status=SyncRun.Status.QUEUED):
    return SyncRun.objects.create(
        kind=kind, trigger=trigger, total=total, requested_by=requested_by, status=status
    )


def mark_running(run_id):
    SyncRun.objects.filter(
        pk=run_id, status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING]
    ).update(status=SyncRun.Status.RUNNING, progressed_at=timezone.now())


def add(run_id, counts):
    """Adds outcome counts (name → n) and finishes the run when every item is done."""
    done = sum(counts.values())
    if not done:
        return
    updates = {name: F(name) + n for name, n in counts.items() if n}
    SyncRun.objects.filter(pk=run_id).update(
        done=F("done") + done, progressed_at=timezone.now(), **updates
    )
    SyncRun.objects.filter(
        pk=run_id,
        status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING],
        done__gte=F("total"),
    ).update(status=SyncRun.Status.FINISHED, finished_at=timezone.now())


def count_read(run_id, *, read, changed):
    """A partners read's figures on its run: every connection it read is done, as
    changed or unchanged, so a rerun that changes nothing shows "37/37", 0 changed."""
    SyncRun.objects.filter(pk=run_id).update(
        total=read, done=read, changed=changed, unchanged=read - changed
    )


def finish(run_id, *, error="", **counts):
    """Ends a run that does not count items one by one (a poll, a discovery, an empty
    refresh), setting `counts` (field → n) too."""
    SyncRun.objects.filter(pk=run_id).update(
        status=SyncRun.Status.FAILED if error else SyncRun.Status.FINISHED,
        finished_at=timezone.now(),
        error=error[:4000],
        **counts,
    )


def finish_failed(run_id, error):
    """Ends a run the platform failed; a pause (maintenance, an open circuit) says so."""
    if isinstance(error, errors.PlatformUnavailable):
        finish(run_id, error=f"Paused, cached data kept: {error}")
    else:
        finish(run_id, error=str(error))


def sweep_abandoned():
    """Fails runs no worker has reported on for longer than a task may take (a killed worker,
    a queue that was down); their restaurants are whole, the next run picks them up."""
    idle = settings.Q_CLUSTER["retry"] + settings.Q_CLUSTER["timeout"]
    cutoff = timezone.now() - timezone.timedelta(seconds=idle)
    # A chunk or a task with a heartbeat is slow, not abandoned (every request of it may be).
    worked_on = chunk_state.alive().values("run_id")
    return (
        SyncRun.objects.filter(
            status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING], progressed_at__lt=cutoff
        )
        .exclude(pk__in=worked_on)
        .exclude(run_tasks.alive())
        .update(
            status=SyncRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"Abandoned: no progress for {idle // 60} minutes (worker stopped?).",
        )
    )
