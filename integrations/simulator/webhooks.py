"""Partner and restaurant availability webhook events, signed and posted as the platform does.

Availability events follow the guide's one published example
(`eventCategory` restaurant_availability, `eventType` availability_offline,
`details` a RestaurantAvailability); the guide names no other event type, so
the simulator's going online is sent as `availability_online`.

Each delivery carries `Toast-Attempt-Number` (1, then one more per delivery of
the same event). With `Published.redelivery_minute_seconds` every event is
delivered again, same body, after a scaled 5 minutes and 10 minutes after
that, as the platform retries; with `Published.loose_webhook_details` the
details (and the category header) look like the guide's own example.
"""

import datetime
import json
import threading
import uuid

import requests

from integrations.signing import sign

from .config import SimulatorConfig

# Minutes after the first delivery of the platform's two retries: 5, then 10 more.
REDELIVERY_MINUTES = (5, 15)
# Stand-ins for the new fields the platform adds without notice (open enums).
SCOPES = ["restaurants:read", "partners:read"]
PARTNER, AVAILABILITY = "partner", "restaurant_availability"
# Fields the guide's example leaves null.
NULL_IN_THE_GUIDE = ("createdByFirstName", "createdByLastName", "createdByPhoneNumber")


class WebhookSender:
    def __init__(self, url, secret, config=None):
        self.url = url
        self.secret = secret
        self.config = config or SimulatorConfig()
        self.lock = threading.Lock()
        self.sent = {}  # event guid -> body bytes
        self.attempts = {}  # event guid -> deliveries so far
        self.last = None
        self.count = 0
        self.timers = []

    @property
    def published(self):
        # Read at each use: PUT /_simulator/published replaces the options at run time.
        return self.config.published

    def send(self, event_type, details, *, bad_signature=False, category=PARTNER):
        """Builds, signs and posts one event; returns (event, receiver status or None)."""
        now = datetime.datetime.now(datetime.UTC)
        if category == PARTNER and self.published.loose_webhook_details:
            details = loosely_typed(details)
        event = {
            "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "eventCategory": category,
            "eventType": event_type,
            "guid": str(uuid.uuid4()),
            "details": details,
        }
        body = json.dumps(event).encode()
        with self.lock:
            self.sent[event["guid"]] = body
            self.last = event["guid"]
        secret = self.secret + "-wrong" if bad_signature else self.secret
        status = self._deliver(body, event, secret)
        self._schedule_redeliveries(body, event, secret)
        return event, status

    def resend(self, event_guid=None):
        with self.lock:
            body = self.sent.get(event_guid or self.last)
        if body is None:
            raise KeyError(event_guid or "no event sent yet")
        event = json.loads(body)
        return event, self._deliver(body, event, self.secret)

    def stop(self):
        """Cancels the re-deliveries not sent yet."""
        with self.lock:
            timers, self.timers = self.timers, []
        for timer in timers:
            timer.cancel()

    def _schedule_redeliveries(self, body, event, secret):
        minute = self.published.redelivery_minute_seconds
        if not minute or not self.url:
            return
        for minutes in REDELIVERY_MINUTES:
            timer = threading.Timer(minutes * minute, self._deliver, (body, event, secret))
            timer.daemon = True
            with self.lock:
                self.timers.append(timer)
            timer.start()

    def _deliver(self, body, event, secret):
        if not self.url:
            return None
        with self.lock:
            self.count += 1
            attempt = self.attempts[event["guid"]] = self.attempts.get(event["guid"], 0) + 1
        category = event["eventCategory"]
        headers = {
            "Content-Type": "application/json",
            "Toast-Signature": sign(secret, body, event["timestamp"]),
            "Toast-Event-Type": event["eventType"],
            "Toast-Event-Category": category,
            "Toast-Attempt-Number": str(attempt),
        }
        if category == PARTNER:
            # The guide's header table spells the category in the plural, its body does not.
            if self.published.loose_webhook_details:
                headers["Toast-Event-Category"] = "partners"
        else:
            # Omitted for partner events only: the others name their restaurant.
            headers["Toast-Restaurant-External-ID"] = event["details"]["restaurantGuid"]
        try:
            return requests.post(self.url, data=body, headers=headers, timeout=10).status_code
        except requests.RequestException:
            return None


def loosely_typed(details):
    """`details` as the guide's example shows them: coordinates as strings (and the
    field table's `restaurantLongtitude`), nulls for empty fields, a new `scopes` list."""
    loose = {**details, "scopes": list(SCOPES)}
    for name in ("restaurantLatitude", "restaurantLongitude"):
        if loose.get(name) is not None:
            loose[name] = str(loose[name])
    loose["restaurantLongtitude"] = loose.get("restaurantLongitude")
    for name, value in details.items():
        if value == "" or name in NULL_IN_THE_GUIDE:
            loose[name] = None
    return loose
