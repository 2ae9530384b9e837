"""Refresh restaurants now, in the foreground with a progress bar, or on the queue."""

import sys

from django.core.management.base import BaseCommand, CommandError

from integrations.models import SyncRun
from integrations.sync import discovery, enqueue_discovery, enqueue_refresh, refresh, runs
from restaurants.models import Connection

BAR_WIDTH = 40


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
        summary = discovery.summary(run.changed, run.total - run.changed)
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
    """A one-line terminal progress bar; plain lines when the output is not a terminal."""

    def __init__(self, total, out):
        self.total, self.done, self.out = total, 0, out
        self.tty = hasattr(out, "isatty") and out.isatty()

    def add(self, counts):
        self.done += sum(counts.values())
        if self.tty:
            filled = BAR_WIDTH * self.done // max(self.total, 1)
            bar = "█" * filled + "·" * (BAR_WIDTH - filled)
            self.out.write(f"\r{bar} {self.done}/{self.total}", ending="")
            self.out.flush()

    def close(self):
        if self.tty:
            self.out.write("")
