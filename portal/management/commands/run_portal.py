"""Starts the whole portal on one machine: web server (gunicorn, or with --dev
Django's autoreloading development server), task queue, and the platform
simulator when no partner credentials are configured.

`make run` calls it. Both ports are checked before anything starts, so a port in
use is an error at once that names its setting. Ctrl-C stops everything; if one
part dies, the others are stopped too, so nothing is left half running.
"""

import os
import secrets
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from integrations import token_store
from integrations.models import SyncRun
from integrations.sync import enqueue_discovery, recovery
from portal.serving import ensure_port_free, probe_url, wait_until_ready


class Command(BaseCommand):
    help = "Run the web server, the django-q2 cluster and (without credentials) the simulator."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=settings.PORTAL_HOST, help="Default: PORTAL_HOST.")
        parser.add_argument(
            "--port", type=int, default=settings.PORTAL_PORT, help="Default: PORTAL_PORT."
        )
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Django's autoreloading development server instead of gunicorn.",
        )
        parser.add_argument(
            "--no-initial-sync",
            action="store_true",
            help="Do not queue a first discovery and sync.",
        )

    def handle(self, *args, addr, port, dev, no_initial_sync, **options):
        self.children = []
        # Every child inherits it; /health/ and the simulator echo it back.
        self.instance = os.environ["PORTAL_INSTANCE"] = secrets.token_hex(16)
        ensure_port_free(addr, port, "PORTAL_PORT in .env, or `make run PORT=...` once")
        if settings.TOAST_USE_SIMULATOR:
            simulator = settings.SIMULATOR_HOST, settings.SIMULATOR_PORT
            ensure_port_free(*simulator, "SIMULATOR_PORT in .env")
        url = probe_url(addr, port, "/")
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            if settings.TOAST_USE_SIMULATOR:
                self._start_simulator(webhook_url=f"{url}webhooks/toast/partners")
            self._start("manage.py", "qcluster")
            web = self._start(*(_development_server(addr, port) if dev else _gunicorn(addr, port)))
            wait_until_ready(web, f"{url}health/", self.instance, "web server", _host_header())
            self._setup_sync(initial=not no_initial_sync)
            server = "Django's development server" if dev else "gunicorn"
            if settings.DEBUG and not dev:
                self.stdout.write(self.style.WARNING("DEBUG is on (.env): for development only."))
            self.stdout.write(self.style.SUCCESS(f"\nThe portal is running at {url} ({server})."))
            self.stdout.write("Sign in as admin with the password printed when it was created.")
            self.stdout.write("Press Ctrl-C to stop.\n")
            self._watch()
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            self._stop_all()

    def _start_simulator(self, webhook_url):
        host, port = settings.SIMULATOR_HOST, settings.SIMULATOR_PORT
        self.stdout.write(
            self.style.WARNING(
                "No TOAST_CLIENT_ID/TOAST_CLIENT_SECRET configured: starting the built-in "
                f"platform simulator at {settings.TOAST_API_HOSTNAME} (set them in .env to "
                "use the real platform)."
            )
        )
        simulator = self._start(
            "manage.py",
            "toast_simulator",
            *("--host", host, "--port", str(port)),
            *("--webhook-url", webhook_url, "--instance", self.instance),
            *("--state-file", settings.SIMULATOR_STATE_FILE),
        )
        wait_until_ready(
            simulator, probe_url(host, port, "/_simulator/instance"), self.instance, "simulator"
        )
        # A new simulator is a new platform: the last one's token and logins do not count.
        token_store.forget()

    def _setup_sync(self, initial):
        call_command("setup_schedules", stdout=self.stdout)
        swept = recovery.sweep()
        if swept.lost_chunks:
            self.stdout.write(
                f"Queued again {swept.requeued} restaurant(s) of {swept.lost_chunks} sync "
                "task(s) a stopped worker left unfinished."
            )
        if swept.lost_tasks:
            self.stdout.write(
                f"Queued again {swept.lost_tasks} poll or discovery task(s) a stopped worker "
                "left unfinished."
            )
        if swept.abandoned_runs:
            self.stdout.write(
                f"Marked {swept.abandoned_runs} sync run(s) left over from a stopped worker "
                "as failed."
            )
        if initial:
            run = enqueue_discovery(trigger=SyncRun.Trigger.STARTUP)
            self.stdout.write(f"Queued a first discovery and sync (run #{run.pk}).")

    def _start(self, *arguments):
        child = subprocess.Popen([sys.executable, *arguments])
        self.children.append(child)
        return child

    def _watch(self):
        while True:
            for child in self.children:
                if child.poll() is not None:
                    raise CommandError(f"{' '.join(child.args[1:3])} exited ({child.returncode}).")
            time.sleep(1)

    def _stop_all(self):
        # A second Ctrl-C or SIGTERM (make and a terminal send their own) must not cut
        # this short and leave a child running without its parent.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for child in self.children:
            if child.poll() is None:
                child.terminate()
        for child in self.children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def _bind(addr: str, port: int) -> str:
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def _gunicorn(addr: str, port: int) -> list[str]:
    # No access log: status-link URLs carry their token in the path. No control
    # socket: its default path in the home folder is one for every instance. The
    # graceful timeout is under _stop_all's 10 s: gunicorn stops its own workers
    # (one held by a keep-alive connection stayed behind, its master killed first).
    return [
        *("-m", "gunicorn", "portal.wsgi:application", "--no-control-socket"),
        *("--graceful-timeout", "5"),
        *("--bind", _bind(addr, port)),
        *("--workers", str(settings.WEB_WORKERS), "--threads", str(settings.WEB_THREADS)),
    ]


def _development_server(addr: str, port: int) -> list[str]:
    return ["manage.py", "runserver", _bind(addr, port)]


def _host_header() -> str:
    """A host name ALLOWED_HOSTS accepts, for the probe: Django answers 400 to others."""
    names = (name for name in settings.ALLOWED_HOSTS if name and name[0] not in ".*")
    return next(names, "")
