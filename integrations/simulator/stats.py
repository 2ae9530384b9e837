"""What the simulator saw, for tests and benchmarks (GET /_simulator/stats)."""

import collections
import threading


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.logins = 0
            self.requests = collections.Counter()
            self.statuses = collections.Counter()
            self.restaurant_requests = collections.Counter()
            self.rate_limited = 0

    def count(self, method, endpoint, status, restaurant=None, login=False):
        with self.lock:
            self.requests[f"{method} {endpoint}"] += 1
            self.statuses[str(status)] += 1
            if restaurant:
                self.restaurant_requests[restaurant] += 1
            if status == 429:
                self.rate_limited += 1
            if login and status == 200:
                self.logins += 1

    def as_json(self, webhooks_sent):
        with self.lock:
            return {
                "logins": self.logins,
                "requests": dict(self.requests),
                "statuses": dict(self.statuses),
                "rate_limited": self.rate_limited,
                "restaurant_requests": dict(self.restaurant_requests),
                "webhooks_sent": webhooks_sent,
            }
