"""What a simulator serves and how it misbehaves, as plain data."""

import datetime
from dataclasses import dataclass, field, fields


@dataclass
class Faults:
    """Fault injection; every field off by default."""

    error_rate: float = 0.0  # fraction of API answers that are 5xx
    error_status: int = 503
    burst_429_every: int = 0  # after every N API requests...
    burst_429_length: int = 0  # ...the next M answer 429
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    outage_start: datetime.datetime | None = None  # every API answer is 503 in between
    outage_end: datetime.datetime | None = None
    malformed_rate: float = 0.0  # fraction of RestaurantInfo bodies that are broken
    malformed_availability_rate: float = 0.0  # the same for RestaurantAvailability bodies
    token_ttl: int | None = None  # overrides the configured token lifetime
    # endpoint (path template, e.g. /partners/v1/connectedRestaurants) -> the status
    # every request there is answered with, after the token check: a 403 is an
    # account without that endpoint's permission, a 404 an endpoint gone.
    endpoint_status: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data):
        """Faults from a JSON object (ISO instants for the outage); unknown keys refused."""
        values = _known(cls, data, "fault")
        for name in ("outage_start", "outage_end"):
            if values.get(name):
                values[name] = _instant(values[name])
        return cls(**values)

    def to_json(self):
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("outage_start", "outage_end"):
            if data[name]:
                data[name] = data[name].isoformat()
        return data

    def in_outage(self, now):
        return bool(self.outage_start and self.outage_end) and (
            self.outage_start <= now < self.outage_end
        )


@dataclass
class Published:
    """The platform as its own published material shows it (guide examples, OpenAPI
    files, captured payloads), where that differs from the reference text. Every
    option is off by default, so the simulator serves the reference's reading;
    tests switch them on to meet what a real partner meets."""

    # connectedRestaurants answered as the OpenAPI file types it: an array of pages.
    pages_as_array: bool = False
    # partner_removed events carry the modifiedDate of the original partner_added.
    removal_keeps_added_date: bool = False
    # webhook details with string coordinates, nulls, the field table's
    # `restaurantLongtitude` spelling and unknown fields such as `scopes`.
    loose_webhook_details: bool = False
    # each webhook is delivered again after a (scaled) 5 and 10 minutes, with
    # Toast-Attempt-Number; 0 sends no re-delivery.
    redelivery_minute_seconds: float = 0.0
    # RestaurantInfo as captured from real restaurants (long day-schedule keys,
    # services without `overnight`, empty delivery areas, null minimums, empty
    # URLs, missing sections).
    captured_deviations: bool = False
    # connectedRestaurants names the next page in its Link header alone (no
    # nextPageToken in the body), as the guide allows.
    next_page_in_link_only: bool = False

    @classmethod
    def from_json(cls, data):
        return cls(**_known(cls, data, "published"))

    def to_json(self):
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class SimulatorConfig:
    host: str = "127.0.0.1"
    port: int = 0
    restaurants: int = 50
    groups: int = 5
    seed: int = 1
    client_id: str | None = None  # None: settings.TOAST_CLIENT_ID
    client_secret: str | None = None
    token_ttl: int = 86400
    webhook_url: str | None = None
    webhook_secret: str | None = None
    rate_per_second: int = 20
    rate_per_window: int = 10_000
    rate_window_seconds: int = 900
    # X-Toast-RateLimit-By on every answer: GLOBAL, API or ENDPOINT in the notes,
    # but an open enum: tests send values the portal has never seen.
    rate_limit_by: str = "API"
    faults: Faults = field(default_factory=Faults)
    published: Published = field(default_factory=Published)
    # Echoed by GET /_simulator/instance, so whoever started it knows it reached this one.
    instance: str = ""
    # Where the world is kept across restarts (state_file.py); None: a new one each start.
    state_file: str | None = None


def _known(cls, data, what):
    """`data` as keyword arguments of `cls`; a key that is none of its fields is refused."""
    unknown = set(data) - {f.name for f in fields(cls)}
    if unknown:
        raise ValueError(f"unknown {what} options: {', '.join(sorted(unknown))}")
    return dict(data)


def _instant(text):
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
