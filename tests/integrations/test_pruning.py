"""Growth kept in check: the daily prune drops old sync runs and idle rate-limit budgets."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import tasks
from integrations.budgets import DatabaseBudgets
from integrations.models import RateBudget, RefreshChunk, SyncRun
from integrations.sync import runs
from integrations.toast.ratelimit import Limits

pytestmark = pytest.mark.django_db


def _run(days_ago, status=SyncRun.Status.FINISHED):
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.SCHEDULE, status=status)
    SyncRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(days=days_ago))
    RefreshChunk.objects.create(run=run, guids=[], status=RefreshChunk.Status.DONE)
    return run.pk


def test_ended_sync_runs_older_than_the_retention_go_with_their_chunks(settings):
    settings.SYNC_RUN_RETENTION_DAYS = 30
    old, failed = _run(31), _run(31, SyncRun.Status.FAILED)
    recent = _run(29)
    still_running = _run(31, SyncRun.Status.RUNNING)  # the recovery sweep's, not the prune's
    tasks.prune_history()
    assert set(SyncRun.objects.values_list("pk", flat=True)) == {recent, still_running}
    assert not RefreshChunk.objects.filter(run_id__in=[old, failed]).exists()


def test_idle_rate_limit_budgets_are_deleted_and_busy_or_paused_ones_kept():
    budgets, limits, now = DatabaseBudgets(), Limits(20, 10_000, 900), 1_000_700.5
    budgets.take("restaurant:idle", now - 900, limits)  # the last long window only (from 999,900)
    budgets.take("restaurant:this-window", now - 600, limits)  # its count still matters
    budgets.take("restaurant:this-second", now, limits)
    budgets.take("restaurant:paused", now - 900, limits)
    budgets.pause("restaurant:paused", now + 60)  # after a 429
    assert budgets.prune_idle(now, 900) == 1
    kept = set(RateBudget.objects.values_list("bucket", flat=True))
    assert kept == {"restaurant:this-window", "restaurant:this-second", "restaurant:paused"}
    assert budgets.take("restaurant:idle", now, limits) == 0  # created again at the next request


def test_the_daily_prune_drops_idle_budgets():
    DatabaseBudgets().take("restaurant:idle", time.time() - 3600, Limits(20, 10_000, 900))
    tasks.prune_history()
    assert not RateBudget.objects.exists()
