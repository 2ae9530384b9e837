"""Serve the local platform simulator (`make run` starts it without credentials)."""

import dataclasses
import signal
import sys

from django.core.management.base import BaseCommand, CommandError

from integrations.simulator import Faults, Published, Simulator, SimulatorConfig
from integrations.simulator.faults import MALFORMED_KINDS
from integrations.simulator.state_file import StateFileError


class Command(BaseCommand):
    help = "Serve a local stand-in for the Toast platform API on loopback."

    def add_arguments(self, parser):
        add = parser.add_argument
        add("--host", default="127.0.0.1")
        add("--port", type=int, default=8765, help="0 picks a free port.")
        add("--restaurants", type=int, default=50)
        add("--groups", type=int, default=5)
        add("--seed", type=int, default=1)
        add("--client-id", help="Default: settings.TOAST_CLIENT_ID.")
        add("--client-secret", help="Default: settings.TOAST_CLIENT_SECRET.")
        add("--token-ttl", type=int, default=86400, help="Token lifetime, seconds.")
        add("--webhook-url", help="Where partner webhook events are POSTed.")
        add("--webhook-secret", help="Default: settings.TOAST_WEBHOOK_SECRET.")
        add("--rate-per-second", type=int, default=20)
        add("--rate-per-window", type=int, default=10_000)
        add("--rate-window-seconds", type=int, default=900)
        add("--rate-limit-by", default="API", help="X-Toast-RateLimit-By on every answer.")
        add("--instance", default="", help="Echoed by GET /_simulator/instance.")
        add(
            "--state-file",
            help="Keep the world (restaurants, connections) in this file across restarts "
            "(`make run`: SIMULATOR_STATE_FILE). Without it each start makes a new world.",
        )
        faults = parser.add_argument_group("fault injection")
        faults.add_argument("--error-rate", type=float, default=0.0, help="Share of 5xx answers.")
        faults.add_argument("--error-status", type=int, default=503)
        faults.add_argument("--burst-429-every", type=int, default=0)
        faults.add_argument("--burst-429-length", type=int, default=0)
        faults.add_argument("--latency-ms", type=float, default=0.0)
        faults.add_argument("--latency-jitter-ms", type=float, default=0.0)
        faults.add_argument("--outage-start", help="ISO instant; every answer 503 until the end.")
        faults.add_argument("--outage-end", help="ISO instant.")
        faults.add_argument(
            "--malformed-rate",
            type=float,
            default=0.0,
            help="Share of RestaurantInfo bodies broken, each kind in turn: "
            + ", ".join(kind.replace("_", " ") for kind in MALFORMED_KINDS)
            + ".",
        )
        faults.add_argument(
            "--endpoint-status",
            action="append",
            default=[],
            metavar="PATH=STATUS",
            help="Answer every request to this endpoint (path template) with this status,"
            " e.g. /partners/v1/connectedRestaurants=403. Repeatable.",
        )
        published = parser.add_argument_group(
            "published shapes (integrations/simulator/config.py, Published)"
        )
        for option in dataclasses.fields(Published):
            flag = "--" + option.name.replace("_", "-")
            if option.type is bool:
                published.add_argument(flag, action="store_true")
            else:
                published.add_argument(flag, type=option.type, default=option.default)

    def handle(self, *args, **options):
        try:
            simulator = Simulator(_config(options))
        except StateFileError as exc:
            raise CommandError(f"{exc}: delete it to start a new world.") from exc
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            simulator.bind()
        except OSError as exc:
            where = f"{options['host']}:{options['port']}"
            raise CommandError(f"Cannot listen on {where}: {exc}") from exc
        self.stdout.write(f"Simulator listening on {simulator.url}")
        self.stdout.flush()
        world = simulator.world
        connected = sum(1 for c in world.connections.values() if c.connected)
        self.stdout.write(
            f"{len(world.restaurants)} restaurants in {len(world.groups)} groups, "
            f"{connected} connected; webhooks to {options['webhook_url'] or 'nowhere'}."
        )
        self.stdout.write(_state_note(options["state_file"], simulator.restored))
        try:
            simulator.server.serve_forever()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            simulator.stop()


FAULT_OPTIONS = [
    "error_rate",
    "error_status",
    "burst_429_every",
    "burst_429_length",
    "latency_ms",
    "latency_jitter_ms",
    "outage_start",
    "outage_end",
    "malformed_rate",
]


def _config(options):
    # Read as the control interface reads faults (ISO instants for the outage).
    faults = Faults.from_json(
        {
            **{name: options[name] for name in FAULT_OPTIONS},
            "endpoint_status": dict(_endpoint_status(text) for text in options["endpoint_status"]),
        }
    )
    published = Published(**{f.name: options[f.name] for f in dataclasses.fields(Published)})
    names = [
        "host",
        "port",
        "restaurants",
        "groups",
        "seed",
        "client_id",
        "client_secret",
        "token_ttl",
        "webhook_url",
        "webhook_secret",
        "rate_per_second",
        "rate_per_window",
        "rate_window_seconds",
        "rate_limit_by",
        "instance",
        "state_file",
    ]
    return SimulatorConfig(
        **{name: options[name] for name in names}, faults=faults, published=published
    )


def _state_note(path, restored):
    if not path:
        return "A new world, forgotten when it stops (--state-file keeps it)."
    if restored:
        return f"The world as it was, from {path} (delete the file to start a new one)."
    return f"A new world, kept in {path} across restarts."


def _endpoint_status(text):
    path, _, status = text.rpartition("=")
    if not path.startswith("/") or not status.isdigit():
        raise CommandError(f"--endpoint-status wants PATH=STATUS, got {text!r}")
    return path, int(status)
