"""Partner webhook events, signed and posted as the platform does."""

import datetime
import json
import threading
import uuid

import requests

from integrations.signing import sign


class WebhookSender:
    def __init__(self, url, secret):
        self.url = url
        self.secret = secret
        self.lock = threading.Lock()
        self.sent = {}  # event guid -> body bytes
        self.last = None
        self.count = 0

    def send(self, event_type, details, *, bad_signature=False):
        """Builds, signs and posts one event; returns (event, receiver status or None)."""
        now = datetime.datetime.now(datetime.UTC)
        event = {
            "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "eventCategory": "partner",
            "eventType": event_type,
            "guid": str(uuid.uuid4()),
            "details": details,
        }
        body = json.dumps(event).encode()
        with self.lock:
            self.sent[event["guid"]] = body
            self.last = event["guid"]
        secret = self.secret + "-wrong" if bad_signature else self.secret
        return event, self._post(body, event, secret)

    def resend(self, event_guid=None):
        with self.lock:
            body = self.sent.get(event_guid or self.last)
        if body is None:
            raise KeyError(event_guid or "no event sent yet")
        event = json.loads(body)
        return event, self._post(body, event, self.secret)

    def _post(self, body, event, secret):
        if not self.url:
            return None
        headers = {
            "Content-Type": "application/json",
            "Toast-Signature": sign(secret, body, event["timestamp"]),
            "Toast-Event-Type": event["eventType"],
            "Toast-Event-Category": event["eventCategory"],
        }
        with self.lock:
            self.count += 1
        try:
            return requests.post(self.url, data=body, headers=headers, timeout=10).status_code
        except requests.RequestException:
            return None
