"""Starts the whole portal on one machine: web server, task queue, and the
platform simulator when no partner credentials are configured.

`make run` calls it. Ctrl-C stops everything; if one part dies, the others
are stopped too, so nothing is left half running.
"""

import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from integrations import token_store
from integrations.models import SyncRun
from integrations.sync import enqueue_discovery, runs

READY_TIMEOUT_SECONDS = 60


class Command(BaseCommand):
    help = "Run the web server, the django-q2 cluster and (without credentials) the simulator."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-initial-sync",
            action="store_true",
            help="Do not queue a first discovery and sync.",
        )

    def handle(self, *args, addr, port, no_initial_sync, **options):
        self.children = []
        url = f"http://{addr}:{port}"
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            if settings.TOAST_USE_SIMULATOR:
                self._start_simulator(webhook_url=f"{url}/webhooks/toast/partners")
            self._start("manage.py", "qcluster")
            self._start("manage.py", "runserver", f"{addr}:{port}", "--noreload")
            _wait_until_up(f"{url}/health/")
            self._setup_sync(initial=not no_initial_sync)
            self.stdout.write(self.style.SUCCESS(f"\nThe portal is running at {url}/"))
            self.stdout.write(
                "Sign in as admin with the password printed above "
                "(also in .env as DJANGO_SUPERUSER_PASSWORD)."
            )
            self.stdout.write("Press Ctrl-C to stop.\n")
            self._watch()
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            self._stop_all()

    def _start_simulator(self, webhook_url):
        self.stdout.write(
            self.style.WARNING(
                "No TOAST_CLIENT_ID/TOAST_CLIENT_SECRET configured: starting the built-in "
                f"platform simulator at {settings.TOAST_API_HOSTNAME} (set them in .env to "
                "use the real platform)."
            )
        )
        self._start(
            "manage.py",
            "toast_simulator",
            "--host",
            settings.SIMULATOR_HOST,
            "--port",
            str(settings.SIMULATOR_PORT),
            "--webhook-url",
            webhook_url,
        )
        _wait_until_up(f"{settings.TOAST_API_HOSTNAME}/_simulator/stats")
        # A new simulator is a new platform: the last one's token and logins do not count.
        token_store.forget()

    def _setup_sync(self, initial):
        call_command("setup_schedules", stdout=self.stdout)
        if swept := runs.sweep_abandoned():
            self.stdout.write(
                f"Marked {swept} sync run(s) left over from a stopped worker as failed."
            )
        if initial:
            run = enqueue_discovery(trigger=SyncRun.Trigger.STARTUP)
            self.stdout.write(f"Queued a first discovery and sync (run #{run.pk}).")

    def _start(self, *arguments):
        self.children.append(subprocess.Popen([sys.executable, *arguments]))

    def _watch(self):
        while True:
            for child in self.children:
                if child.poll() is not None:
                    raise CommandError(f"{' '.join(child.args[1:3])} exited ({child.returncode}).")
            time.sleep(1)

    def _stop_all(self):
        for child in self.children:
            if child.poll() is None:
                child.terminate()
        for child in self.children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def _wait_until_up(url):
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise CommandError(f"{url} did not answer within {READY_TIMEOUT_SECONDS} s.")
