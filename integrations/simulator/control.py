"""The loopback-only control interface: change the world while it runs, inject faults,
send partner webhooks, read counters. Never rate-limited, never faulted."""

import dataclasses
import functools
import json
import re
from collections.abc import Callable

from . import api
from .config import Faults, Published
from .webhooks import AVAILABILITY

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
    if match:
        route = f"restaurants/{{guid}}/{match['action']}"
    endpoint = _BY_ROUTE.get((method, route))
    if endpoint is None:
        return api.error(404, f"No control endpoint {method} {path} (GET {PREFIX} lists them)")
    try:
        return endpoint.handler(sim, data, **({"guid": match["guid"]} if match else {}))
    except (TypeError, ValueError, KeyError) as exc:
        return api.error(400, f"Bad control request: {exc}")


def _index(sim, data):
    return api.Answer(200, {"endpoints": [endpoint.as_json() for endpoint in ENDPOINTS]})


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


def _restaurant_action(sim, data, guid, action):
    world = sim.world
    if guid not in world.restaurants:
        return api.error(404, f"No restaurant {guid}")
    if action == "change":
        return api.Answer(200, {"guid": guid, "changed": world.change(guid)})
    if action == "availability":
        return _set_availability(sim, guid, data)
    if action != "connect" and guid not in world.connections:
        return api.error(409, f"Restaurant {guid} never connected")
    connection = getattr(world, action)(guid)
    return _notify(sim, EVENTS[action], connection)


def _set_availability(sim, guid, data):
    status = data.get("status", "OFFLINE")
    if status not in ("ONLINE", "OFFLINE"):
        raise ValueError('status must be "ONLINE" or "OFFLINE"')
    reason = data.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise ValueError("reason must be text")
    record = sim.world.set_availability(guid, status == "ONLINE", reason)
    event_type = "availability_online" if status == "ONLINE" else "availability_offline"
    event, sent = sim.webhooks.send(event_type, dict(record), category=AVAILABILITY)
    return api.Answer(200, {"guid": guid, "availability": record, "event": event, "status": sent})


def _notify(sim, event_type, connection):
    info = sim.world.restaurants[connection.restaurant_guid]
    # As in the guide's own example, a removal may carry the add's modifiedDate.
    keeps_added = event_type == "partner_removed" and sim.config.published.removal_keeps_added_date
    details = connection.webhook_details(info, connection.added_ms if keeps_added else None)
    event, status = sim.webhooks.send(event_type, details)
    return api.Answer(200, {"guid": connection.restaurant_guid, "event": event, "status": status})


@dataclasses.dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # under PREFIX; {guid} is a restaurant's GUID
    does: str
    handler: Callable[..., api.Answer]

    def as_json(self):
        return {"method": self.method, "path": PREFIX + self.path, "does": self.does}


def _names(options):
    return ", ".join(option.name for option in dataclasses.fields(options))


def _action(action):
    return functools.partial(_restaurant_action, action=action)


# Every endpoint, in the order GET /_simulator/ and the docs page list them.
ENDPOINTS = [
    Endpoint("GET", "", "This list of endpoints.", _index),
    Endpoint(
        "GET",
        "restaurants",
        "Every restaurant: guid, managementGroupGuid, access (connected; removed: "
        "connected once, access since removed; never: a prospect) and archived.",
        _restaurants,
    ),
    Endpoint(
        "POST",
        "restaurants",
        'A new restaurant that connects at once (body {"group": GUID}, optional); '
        "sends partner_added.",
        _create,
    ),
    Endpoint(
        "POST",
        "restaurants/{guid}/connect",
        "Connects the restaurant (again); sends partner_added.",
        _action("connect"),
    ),
    Endpoint(
        "POST",
        "restaurants/{guid}/update",
        "Changes its partner record (external reference); sends partner_updated.",
        _action("update"),
    ),
    Endpoint(
        "POST",
        "restaurants/{guid}/remove",
        "Removes the integration's access; sends partner_removed.",
        _action("remove"),
    ),
    Endpoint(
        "POST",
        "restaurants/{guid}/change",
        "Changes its configuration (hours, payments, prep times or online ordering); "
        "no webhook: the next refresh finds it.",
        _action("change"),
    ),
    Endpoint(
        "POST",
        "restaurants/{guid}/availability",
        'Takes it offline for online orders, or online with {"status": "ONLINE"} (body '
        '{"status": "OFFLINE" or "ONLINE", "reason": TEXT}, both optional): the '
        "availability API answers so and a restaurant_availability webhook is sent.",
        _action("availability"),
    ),
    Endpoint(
        "POST",
        "webhooks/resend",
        'Delivers a webhook event again (body {"guid": EVENT}; default the last one).',
        _resend,
    ),
    Endpoint(
        "POST",
        "webhooks/bad-signature",
        "Sends a partner_updated event with a wrong signature.",
        _bad_signature,
    ),
    Endpoint(
        "POST",
        "tokens/revoke",
        "Revokes every access token: the next call gets 401, as after a platform restart.",
        _revoke,
    ),
    Endpoint(
        "GET",
        "faults",
        "The fault injection in force (every field off by default).",
        _get_faults,
    ),
    Endpoint(
        "PUT",
        "faults",
        f"Replaces it, with any of {_names(Faults)} (outages as ISO instants, "
        "endpoint_status as {path template: status}); {} turns every fault off.",
        _put_faults,
    ),
    Endpoint(
        "GET",
        "published",
        "Which shapes of the platform's published material it serves (all off by default).",
        _get_published,
    ),
    Endpoint(
        "PUT",
        "published",
        f"Replaces them, with any of {_names(Published)}.",
        _put_published,
    ),
    Endpoint(
        "GET",
        "stats",
        "Counters: logins, requests per endpoint and per status, rate-limited answers, "
        "requests per restaurant, webhooks sent.",
        _stats,
    ),
    Endpoint("POST", "stats/reset", "Sets the counters to zero.", _reset_stats),
    Endpoint(
        "GET",
        "instance",
        "The instance value it was started with (run_portal's readiness probe).",
        _instance,
    ),
]
_BY_ROUTE = {(endpoint.method, endpoint.path): endpoint for endpoint in ENDPOINTS}
