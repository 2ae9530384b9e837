"""The loopback-only control interface: change the world while it runs, inject faults,
send partner webhooks, read counters. Never rate-limited, never faulted."""

import json
import re

from . import api
from .config import Faults, Published

PREFIX = "/_simulator/"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WRITES = {"POST", "PUT", "DELETE"}
RESTAURANT_ACTION = re.compile(r"^restaurants/(?P<guid>[^/]+)/(?P<action>[a-z]+)$")
EVENTS = {"connect": "partner_added", "update": "partner_updated", "remove": "partner_removed"}


def refusal(port: int, method: str, headers: dict[str, str]) -> api.Answer | None:
    """Why a control request is refused, or None: only the developer's own tools drive it.

    A web page the developer visits can make the browser send requests to
    loopback. `Host` must name loopback at this port (a rebound DNS name sends
    its own); a browser's `Origin` other than this server's is refused; and a
    write must say JSON, which a browser sends to another origin only after a
    preflight (OPTIONS) that this server never grants.
    """
    own = {f"{name}:{port}" for name in LOOPBACK_NAMES}
    if headers.get("host", "").lower() not in own:
        return api.error(403, f"The control interface answers only to Host {' or '.join(own)}")
    origin = headers.get("origin")
    if origin is not None and origin.lower() not in {f"http://{host}" for host in own}:
        return api.error(403, "The control interface refuses requests from web pages")
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if method in WRITES and content_type != "application/json":
        return api.error(415, "Control writes need Content-Type: application/json")
    return None


def handle(sim, method, path, body):
    route = path[len(PREFIX) :].rstrip("/")
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return api.error(400, "The body must be JSON")
    match = RESTAURANT_ACTION.match(route)
    if match and method == "POST":
        return _restaurant_action(sim, match["guid"], match["action"])
    handler = ROUTES.get((method, route))
    if handler is None:
        return api.error(404, f"No control endpoint {method} {path}")
    try:
        return handler(sim, data)
    except (TypeError, ValueError, KeyError) as exc:
        return api.error(400, f"Bad control request: {exc}")


def _stats(sim, data):
    return api.Answer(200, sim.stats.as_json(sim.webhooks.count))


def _reset_stats(sim, data):
    sim.stats.reset()
    return api.Answer(200, sim.stats.as_json(sim.webhooks.count))


def _instance(sim, data):
    return api.Answer(200, {"instance": sim.config.instance})


def _get_faults(sim, data):
    return api.Answer(200, sim.faults.faults.to_json())


def _put_faults(sim, data):
    sim.faults.replace(Faults.from_json(data))
    return api.Answer(200, sim.faults.faults.to_json())


def _get_published(sim, data):
    return api.Answer(200, sim.config.published.to_json())


def _put_published(sim, data):
    sim.config.published = Published.from_json(data)
    return api.Answer(200, sim.config.published.to_json())


def _revoke(sim, data):
    sim.tokens.revoke_all()
    return api.Answer(200, {"revoked": True})


def _restaurants(sim, data):
    return api.Answer(200, sim.world.overview())


def _create(sim, data):
    connection = sim.world.create(group=data.get("group"))
    return _notify(sim, "partner_added", connection)


def _resend(sim, data):
    event, status = sim.webhooks.resend(data.get("guid"))
    return api.Answer(200, {"event": event, "status": status})


def _bad_signature(sim, data):
    connection = next(iter(sim.world.connections.values()))
    info = sim.world.restaurants[connection.restaurant_guid]
    event, status = sim.webhooks.send(
        "partner_updated", connection.webhook_details(info), bad_signature=True
    )
    return api.Answer(200, {"event": event, "status": status})


def _restaurant_action(sim, guid, action):
    world = sim.world
    if guid not in world.restaurants:
        return api.error(404, f"No restaurant {guid}")
    if action == "change":
        return api.Answer(200, {"guid": guid, "changed": world.change(guid)})
    if action not in EVENTS:
        return api.error(404, f"No action {action}")
    if action != "connect" and guid not in world.connections:
        return api.error(409, f"Restaurant {guid} never connected")
    connection = getattr(world, action)(guid)
    return _notify(sim, EVENTS[action], connection)


def _notify(sim, event_type, connection):
    info = sim.world.restaurants[connection.restaurant_guid]
    # As in the guide's own example, a removal may carry the add's modifiedDate.
    keeps_added = event_type == "partner_removed" and sim.config.published.removal_keeps_added_date
    details = connection.webhook_details(info, connection.added_ms if keeps_added else None)
    event, status = sim.webhooks.send(event_type, details)
    return api.Answer(200, {"guid": connection.restaurant_guid, "event": event, "status": status})


ROUTES = {
    ("GET", "instance"): _instance,
    ("GET", "stats"): _stats,
    ("POST", "stats/reset"): _reset_stats,
    ("GET", "faults"): _get_faults,
    ("PUT", "faults"): _put_faults,
    ("GET", "published"): _get_published,
    ("PUT", "published"): _put_published,
    ("POST", "tokens/revoke"): _revoke,
    ("GET", "restaurants"): _restaurants,
    ("POST", "restaurants"): _create,
    ("POST", "webhooks/resend"): _resend,
    ("POST", "webhooks/bad-signature"): _bad_signature,
}
