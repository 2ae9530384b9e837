"""The simulator: a threaded HTTP/1.1 server with keep-alive, serving the platform's API
and a loopback-only control interface under /_simulator/."""

import datetime
import http.server
import ipaddress
import json
import threading
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings

from . import api, control, state_file
from .config import SimulatorConfig
from .faults import FaultInjector
from .limits import RateLimits
from .stats import Stats
from .tokens import TokenIssuer
from .webhooks import WebhookSender
from .world import World

MAX_BODY_BYTES = 1 << 20


class Simulator:
    def __init__(self, config=None):
        self.config = config or SimulatorConfig()
        cfg = self.config
        self.client_id = cfg.client_id or settings.TOAST_CLIENT_ID
        self.client_secret = cfg.client_secret or settings.TOAST_CLIENT_SECRET
        self.world, self.restored = _world(cfg)
        self.faults = FaultInjector(cfg.faults, cfg.seed)
        self.limits = RateLimits(cfg.rate_per_second, cfg.rate_per_window, cfg.rate_window_seconds)
        self.tokens = TokenIssuer()
        self.stats = Stats()
        self.webhooks = WebhookSender(
            cfg.webhook_url, cfg.webhook_secret or settings.TOAST_WEBHOOK_SECRET, cfg
        )
        self.server = None
        self.thread = None

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        """Serves in a background thread; returns self."""
        self.bind()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def serve_forever(self):
        """Serves in this thread until shut down (the management command)."""
        self.bind()
        self.server.serve_forever()

    def bind(self):
        """Opens the listening socket (port 0: a free one)."""
        self.server = _Server((self.config.host, self.config.port), _Handler)
        self.server.simulator = self

    def stop(self):
        self.webhooks.stop()
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # The API -----------------------------------------------------------------
    def answer(self, method, path, query, headers, body, client_address):
        """Routes one request; returns an api.Answer."""
        if path.startswith(control.PREFIX):
            if not ipaddress.ip_address(client_address).is_loopback:
                return api.error(403, "The control interface answers loopback clients only")
            port = self.server.server_address[1]
            return control.refusal(port, method, headers) or control.handle(
                self, method, path, body
            )
        restaurant = headers.get("toast-restaurant-external-id")
        endpoint = api.template(path)
        answer = self._api(method, path, query, headers, body, restaurant)
        self.stats.count(method, endpoint, answer.status, restaurant, login=endpoint == api.LOGIN)
        return answer

    def _api(self, method, path, query, headers, body, restaurant):
        allowed, remaining, reset, retry_after = self.limits.check(
            f"restaurant:{restaurant}" if restaurant else f"client:{headers.get('_client')}"
        )
        limit_headers = {
            "X-Toast-RateLimit-By": self.config.rate_limit_by,
            "X-Toast-RateLimit-Remaining": str(remaining),
            "X-Toast-RateLimit-Reset": str(int(reset)),
        }
        if not allowed:
            limit_headers["Retry-After"] = str(retry_after)
            return api.error(429, "Rate limit exceeded", headers=limit_headers)
        answer = self._route(method, path, query, headers, body, restaurant)
        answer.headers.update(limit_headers)
        return answer

    def _route(self, method, path, query, headers, body, restaurant):
        fault = self.faults.before_answer(datetime.datetime.now(datetime.UTC))
        if fault == 429:
            return api.error(429, "Rate limit exceeded", headers={"Retry-After": "1"})
        if fault:
            return api.error(fault, "The service is temporarily unavailable")
        if path == api.LOGIN:
            return self._login(body) if method == "POST" else api.error(405, "POST only")
        if method != "GET":
            return api.error(405, "GET only")
        if not self.tokens.valid(_bearer(headers)):
            return api.error(401, "Access token is missing, expired or not valid")
        status = self.faults.faults.endpoint_status.get(api.template(path))
        if status:
            return api.error(status, f"{path} is not available to this client")
        if path == api.PARTNER_RESTAURANTS:
            return self._partner_restaurants(query)
        if path == api.CONNECTED:
            return self._connected(query)
        if path == api.AVAILABILITY:
            return self._availability(restaurant)
        for pattern, handler in ((api.RESTAURANT, self._restaurant), (api.GROUP, self._group)):
            match = pattern.match(path)
            if match:
                if not restaurant:
                    return api.error(400, "The Toast-Restaurant-External-ID header is required")
                return handler(match["guid"], query, restaurant)
        return api.error(404, f"No such endpoint: {path}")

    def _login(self, body):
        try:
            request = json.loads(body)
            credentials = (request["clientId"], request["clientSecret"], request["userAccessType"])
        except (ValueError, KeyError, TypeError):
            return api.error(400, "clientId, clientSecret and userAccessType are required")
        if credentials != (self.client_id, self.client_secret, "TOAST_MACHINE_CLIENT"):
            return api.error(401, "Invalid client credentials")
        ttl = self.faults.faults.token_ttl or self.config.token_ttl
        token = {
            "tokenType": "Bearer",
            "scope": None,
            "expiresIn": ttl,
            "accessToken": self.tokens.issue(self.client_id, ttl),
            "idToken": None,
            "refreshToken": None,
        }
        return api.Answer(200, {"token": token, "status": "SUCCESS"})

    def _since(self, query):
        if "lastModified" not in query:
            return None, None
        since = api.parse_last_modified(query["lastModified"])
        if since is None:
            return None, api.error(400, "lastModified must be an ISO 8601 instant")
        return since, None

    def _partner_restaurants(self, query):
        since, problem = self._since(query)
        return problem or api.Answer(200, list(self.world.connected_records(since)))

    def _connected(self, query):
        since, problem = self._since(query)
        records = self.world.connected_records(since)
        return problem or api.connected_page(records, query, self.url, self.config.published)

    def _restaurant(self, guid, query, restaurant):
        world = self.world
        if guid not in world.restaurants:
            return api.error(404, f"Restaurant {guid} was not found")
        if not world.is_connected(guid):
            return api.error(403, f"Restaurant {guid} has not granted access to this client")
        archived_ok = query.get("includeArchived", "false").lower() == "true"
        if world.is_archived(guid) and not archived_ok:
            return api.error(404, f"Restaurant {guid} was not found")
        info_bytes = world.info_bytes(guid, self.config.published.captured_deviations)
        body = self.faults.restaurant_body(info_bytes, lambda: world.info(guid))
        return api.Answer(200, body)

    def _availability(self, restaurant):
        """The restaurant in the header's `RestaurantAvailability` (the API takes no other
        parameter); answered like the restaurants API for an unknown or removed one."""
        if not restaurant:
            return api.error(400, "The Toast-Restaurant-External-ID header is required")
        if restaurant not in self.world.restaurants:
            return api.error(404, f"Restaurant {restaurant} was not found")
        if not self.world.is_connected(restaurant):
            return api.error(403, f"Restaurant {restaurant} has not granted access to this client")
        return api.Answer(
            200, self.faults.availability_body(self.world.availability_of(restaurant))
        )

    def _group(self, group, query, restaurant):
        members = self.world.groups.get(group)
        if members is None:
            return api.error(404, f"Management group {group} was not found")
        if restaurant not in members:
            return api.error(403, "The restaurant in the header is not in this group")
        return api.Answer(200, [{"guid": guid} for guid in members])


def _world(cfg):
    """The world kept in the state file, else a new one; and whether it was kept."""
    kept = state_file.load(Path(cfg.state_file)) if cfg.state_file else None
    world = kept or World.generate(cfg.seed, cfg.restaurants, cfg.groups)
    if cfg.state_file:
        state_file.keep(world, Path(cfg.state_file))
    return world, kept is not None


def _bearer(headers):
    value = headers.get("authorization", "")
    return value[7:] if value.startswith("Bearer ") else ""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one small answer, sent at once: no delayed-ACK stall
    # Buffered: the status line, headers and body leave in one send when the
    # request is done, as one segment the client reads at once (unbuffered,
    # headers and body were two sends, and two reads on the client's side).
    wbufsize = 1 << 16
    server_version = "ToastSimulator/1.0"

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_DELETE = do_GET

    def _serve(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(api.error(413, "Request body too large"))
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        headers["_client"] = self.client_address[0]
        answer = self.server.simulator.answer(
            self.command,
            parts.path,
            dict(parse_qsl(parts.query)),
            headers,
            body,
            self.client_address[0],
        )
        self._send(answer)

    def _send(self, answer):
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format, *args):
        """Quiet: the portal's own logs say what matters."""
