"""A mock of the platform generated from its published OpenAPI files alone.

It serves, on loopback, every path and method of the three Swagger 2.0 files in
../shared/reference/openapi, and answers each request with a body synthesised
from the operation's success schema. It knows nothing of the simulator or of
the portal: it is what a partner meets with any spec-driven mock, so the portal
is tried against the platform's files rather than against our reading of them.

How a body is synthesised (deterministic: the same request, the same answer):
- `$ref`s are followed. A scalar takes its `example`, else the first value of
  its `enum`, else its `default`, else a value of its type and format.
- An array has ITEMS items. A map (`additionalProperties`) has one entry, keyed
  MAP_KEY: its `properties` only describe the keys (Schedules.daySchedules'
  `identifier` does). Booleans are false.
- An identifier (format uuid, or a name ending in guid) is a uuid5 of what it
  names and of its item's index, whatever its example: the same restaurant has
  the same GUID in every answer, and the items of a list are not all one
  record. An answer's own `guid` is the GUID its path names.
- STATED_IN_PROSE holds the formats the files give only in descriptions.
A request missing a required header, or the bearer token of a secured
operation, is refused as the files say.
"""

import collections
import http.server
import json
import re
import threading
import uuid
from dataclasses import dataclass

import polyline

from restaurants.models import WEEKDAYS

from .openapi import NAMES, load_spec

ITEMS = 3
MAP_KEY = "100000000000000001"
NAMESPACE = uuid.UUID("0b5e1c9e-7a53-4f0e-9d6a-3c1f2e8b4a70")

# Swagger 2.0 has no field for these formats; the files state them in the
# descriptions quoted beside each value. Keyed Definition.property.
STATED_IN_PROSE = {
    "General.timeZone": "America/New_York",  # "For example, `America/New_York`."
    "General.firstBusinessDate": 20230314,  # "The first business date (yyyyMMdd)"
    "DaySchedule.openTime": "06:00:00.000",  # "might begin at `06:00:00.000`"
    "DaySchedule.closeTime": "02:00:00.000",  # "might end at `02:00:00.000`"
    "Hours.startTime": "10:00:00.000",  # "between `10:00:00.000` and `16:00:00.000`"
    "Hours.endTime": "16:00:00.000",
    # "encoded using the Google maps encoded polyline algorithm ... For example,
    # `[[42.36083,-71.14798],[42.34028,-71.15673],[42.3272,-71.14386]]`"
    "Delivery.area": polyline.encode(
        [(42.36083, -71.14798), (42.34028, -71.15673), (42.3272, -71.14386)]
    ),
    # "Values for each day of the week are identifiers for day schedules in the
    # map of `DaySchedule` objects"
    **{f"WeekSchedule.{day}": MAP_KEY for day in WEEKDAYS},
}


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern
    operation: dict
    definitions: dict


class OpenApiMock:
    def __init__(self, specs):
        self.routes = [route for spec in specs for route in _routes(spec)]
        properties = {
            f"{name}.{field}"
            for spec in specs
            for name, definition in spec.get("definitions", {}).items()
            for field in definition.get("properties", {})
        }
        unknown = sorted(set(STATED_IN_PROSE) - properties)
        if unknown:  # the files changed: a value here would silently stop applying
            raise ValueError(f"STATED_IN_PROSE names no property of the files: {unknown}")
        self.served = collections.Counter()  # "METHOD template" -> answers, for the tests
        self.lock = threading.Lock()
        self.server = None

    @classmethod
    def from_reference(cls):
        """The mock of the three files in ../shared/reference (the test skips without them)."""
        return cls([load_spec(name) for name in NAMES])

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.mock = self
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, method, path, headers):
        """(status, JSON body or None) for one request; `headers` with lower-case names."""
        matching = [route for route in self.routes if route.pattern.match(path)]
        route = next((route for route in matching if route.method == method), None)
        if route is None:
            return (405, _error(405, "method")) if matching else (404, _error(404, path))
        with self.lock:
            self.served[f"{method} {route.template}"] += 1
        operation = route.operation
        if operation.get("security") and not headers.get("authorization", "").startswith("Bearer "):
            return 401, _error(401, "a bearer token is required")
        for name in _required_headers(operation):
            if name.lower() not in headers:
                return 400, _error(400, f"the {name} header is required")
        status, schema = _success(operation)
        body = _Synthesis(route.definitions).of(schema) if schema else None
        named = list(route.pattern.match(path).groupdict().values())
        if isinstance(body, dict) and "guid" in body and named:
            body["guid"] = named[-1]
        return status, body


class _Synthesis:
    def __init__(self, definitions):
        self.definitions = definitions

    def of(self, schema, owner="", name="", index=0, kind=""):
        """A value for `schema`: property `name` of definition `owner`, in item `index`;
        `kind` is the definition an object value is of."""
        if "$ref" in schema:
            kind = schema["$ref"].rsplit("/", 1)[-1]
            return self.of(self.definitions[kind], owner, name, index, kind)
        if f"{owner}.{name}" in STATED_IN_PROSE:
            return STATED_IN_PROSE[f"{owner}.{name}"]
        type_ = schema.get("type", "object" if "properties" in schema else "string")
        if type_ == "string" and (schema.get("format") == "uuid" or name.lower().endswith("guid")):
            return _identifier(owner, name, index)
        if type_ == "array":
            return [self.of(schema.get("items", {}), owner, name, n) for n in range(ITEMS)]
        if type_ == "object":
            kind = kind or f"{owner}.{name}"
            if isinstance(schema.get("additionalProperties"), dict):
                return {MAP_KEY: self.of(schema["additionalProperties"], kind, MAP_KEY, index)}
            return {
                field: self.of(sub, kind, field, index)
                for field, sub in schema.get("properties", {}).items()
            }
        if "example" in schema:
            return schema["example"]
        if schema.get("enum"):
            return schema["enum"][0]
        if "default" in schema:
            return schema["default"]
        return _scalar(type_, schema.get("format"), name, index)


def _identifier(owner, name, index):
    """The same GUID for the same thing: `restaurantGuid` and `Restaurant.guid` alike."""
    named = name[: -len("guid")] if name.lower().endswith("guid") else name
    return str(uuid.uuid5(NAMESPACE, f"{(named or owner).lower()}:{index}"))


def _scalar(type_, format_, name, index):
    if type_ == "integer":
        return index + 1
    if type_ == "number":
        return index + 1.5
    if type_ == "boolean":
        return False
    if format_ == "date-time":
        return "2024-01-01T00:00:00.000Z"
    if format_ == "date":
        return "2024-01-01"
    return f"{name}-{index}"


def _routes(spec):
    base = spec.get("basePath", "")
    for template, methods in spec.get("paths", {}).items():
        # /groups/{managementGroupGUID}/restaurants -> /groups/(?P<managementGroupGUID>[^/]+)/...
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(base + template))
        for method, operation in methods.items():
            definitions = spec.get("definitions", {})
            pattern = re.compile(f"^{regex}$")
            yield Route(method.upper(), base + template, pattern, operation, definitions)


def _required_headers(operation):
    parameters = operation.get("parameters", [])
    return [p["name"] for p in parameters if p["in"] == "header" and p.get("required")]


def _success(operation):
    """The lowest 2xx status of the operation and its schema (None: no body)."""
    statuses = sorted(str(code) for code in operation.get("responses", {}))
    for status in statuses:
        if status.startswith("2"):
            return int(status), operation["responses"][status].get("schema")
    return 200, None


def _error(status, message):
    return {"status": str(status), "message": message}


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?", 1)[0]
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, body = self.server.mock.answer(self.command, path, headers)
        content = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_POST = do_GET

    def log_message(self, format, *args):
        """Quiet: the tests' assertions say what matters."""
