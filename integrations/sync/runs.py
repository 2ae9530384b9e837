"""Sync runs: the rows staff watch, with counters every worker adds to atomically."""

from django.db.models import F
from django.utils import timezone

from integrations.models import SyncRun

OUTCOMES = ("changed", "unchanged", "failed", "halted", "skipped")


def start(kind, trigger, *, total=0, requested_by=None, status=SyncRun.Status.QUEUED):
    return SyncRun.objects.create(
        kind=kind, trigger=trigger, total=total, requested_by=requested_by, status=status
    )


def mark_running(run_id):
    SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.RUNNING
    )


def add(run_id, counts):
    """Adds outcome counts (name → n) and finishes the run when every item is done."""
    done = sum(counts.values())
    if not done:
        return
    updates = {name: F(name) + n for name, n in counts.items() if n}
    SyncRun.objects.filter(pk=run_id).update(done=F("done") + done, **updates)
    SyncRun.objects.filter(
        pk=run_id,
        status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING],
        done__gte=F("total"),
    ).update(status=SyncRun.Status.FINISHED, finished_at=timezone.now())


def finish(run_id, *, total=None, error=""):
    """Ends a run that does not count items one by one (a poll, a discovery)."""
    fields = {
        "status": SyncRun.Status.FAILED if error else SyncRun.Status.FINISHED,
        "finished_at": timezone.now(),
        "error": error[:4000],
    }
    if total is not None:
        fields.update(total=total, done=total)
    SyncRun.objects.filter(pk=run_id).update(**fields)
