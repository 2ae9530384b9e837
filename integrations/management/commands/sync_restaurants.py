"""Refresh restaurants now, in the foreground with a progress bar, or on the queue."""

import collections
import shutil
import sys
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from integrations.models import SyncRun
from integrations.sync import discovery, enqueue_discovery, enqueue_refresh, refresh, runs
from restaurants.models import Connection

MAX_WIDTH = 100  # columns of the bar's line, on a wider terminal too


class Command(BaseCommand):
    help = "Fetch RestaurantInfo from the platform and store it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--discover",
            action="store_true",
            help="Read the partners API and the management groups first.",
        )
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="Every connected restaurant.")
        which.add_argument("--guid", nargs="+", default=[], help="These restaurants.")
        parser.add_argument("--queue", action="store_true", help="Queue the work and return.")

    def handle(self, *args, discover, all, guid, queue, **options):
        if not (discover or all or guid):
            raise CommandError("Say what to sync: --all, --guid GUID ..., or --discover.")
        if queue:
            return self._queue(discover, all, guid)
        # A failed discovery still lets the restaurants already known be refreshed.
        failure = self._discover() if discover else ""
        failed = self._refresh(self._guids(all, guid)) if all or guid else 0
        if failure:
            raise CommandError(f"Discovery failed: {failure}")
        if failed:
            sys.exit(1)

    def _queue(self, discover, all, guids):
        if discover:
            run = enqueue_discovery(trigger=SyncRun.Trigger.COMMAND)
            self.stdout.write(f"Queued discovery run #{run.pk} (a refresh of all follows).")
            return
        run = enqueue_refresh(self._guids(all, guids), trigger=SyncRun.Trigger.COMMAND)
        self.stdout.write(f"Queued refresh run #{run.pk} of {run.total} restaurants.")

    def _discover(self):
        """Runs a discovery; returns its error, "" when it finished."""
        run = runs.start(SyncRun.Kind.DISCOVER, SyncRun.Trigger.COMMAND)
        discovery.run_discovery(run.pk, then_refresh=False)
        run.refresh_from_db()
        if run.status == SyncRun.Status.FAILED:
            return run.error
        via = (
            f" (listed by {run.source} after {run.fallback_reason})" if run.fallback_reason else ""
        )
        summary = discovery.summary(run.changed, run.prospects)
        self.stdout.write(f"Discovery: {summary}{via}.")
        return ""

    def _guids(self, all, guids):
        if all:
            return [str(g) for g in Connection.objects.connected().values_list("pk", flat=True)]
        return guids

    def _refresh(self, guids):
        """Refreshes `guids` with a progress bar; returns how many failed."""
        run = runs.start(
            SyncRun.Kind.REFRESH,
            SyncRun.Trigger.COMMAND,
            total=len(guids),
            status=SyncRun.Status.RUNNING,
        )
        bar = ProgressBar(len(guids), self.stdout)
        totals = {}
        for chunk in refresh.chunks(guids):
            for name, n in refresh.refresh_chunk(run.pk, chunk, on_progress=bar.add).items():
                totals[name] = totals.get(name, 0) + n
        bar.close()
        if not guids:
            runs.finish(run.pk, total=0)
        summary = ", ".join(f"{n} {name}" for name, n in sorted(totals.items())) or "nothing"
        self.stdout.write(f"Refresh run #{run.pk}: {summary}.")
        return totals.get("failed", 0)


class ProgressBar:
    """A one-line terminal progress bar: tqdm's percentage, rate and time left, with the
    failures so far. Nothing when the output is not a terminal (the summary says it all).

    The chunk's threads report at once, and a report can be empty (the last flush):
    a lock keeps their frames whole, and a frame equal to the last is not printed again.
    """

    def __init__(self, total: int, out, clock=time.monotonic):
        self.total, self.out, self.clock = total, out, clock
        self.started = clock()
        self.counts = collections.Counter()
        self.tty = hasattr(out, "isatty") and out.isatty()
        self.shown = ""
        self.lock = threading.Lock()

    def add(self, counts: dict[str, int]) -> None:
        with self.lock:
            self.counts.update(counts)
            frame = self.frame()
            if self.tty and frame != self.shown:
                self.out.write(f"\r{frame}", ending="")
                self.out.flush()
                self.shown = frame

    def frame(self) -> str:
        failures = f"failed={self.counts['failed']}"
        if self.counts["halted"]:
            failures += f", halted={self.counts['halted']}"
        return tqdm.format_meter(
            sum(self.counts.values()),
            self.total,
            self.clock() - self.started,
            ncols=min(shutil.get_terminal_size().columns, MAX_WIDTH),
            unit=" restaurants",
            postfix=failures,
        )

    def close(self) -> None:
        if self.shown:
            self.out.write("")  # ends the bar's line
