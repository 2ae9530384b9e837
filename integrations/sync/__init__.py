"""The sync engine: who is connected (webhook, poll, discovery) and what they look like (refresh).

Each entry point creates a SyncRun staff can watch and queues the work on
django-q2; integrations/tasks.py holds the task functions the workers run.
"""

from django.contrib.auth.models import AbstractBaseUser

from integrations.models import SyncRun

from . import run_tasks, runs
from .refresh import enqueue_refresh

__all__ = ["enqueue_discovery", "enqueue_poll", "enqueue_refresh"]


def enqueue_poll(*, trigger: str, requested_by: AbstractBaseUser | None = None) -> SyncRun:
    run = runs.start(SyncRun.Kind.POLL, trigger, requested_by=requested_by)
    run_tasks.queue(run)
    return run


def enqueue_discovery(*, trigger: str, requested_by: AbstractBaseUser | None = None) -> SyncRun:
    run = runs.start(SyncRun.Kind.DISCOVER, trigger, requested_by=requested_by)
    run_tasks.queue(run)
    return run
