"""Turning a good answer into a bad one, deterministically from the seed."""

import copy
import json
import random
import threading
import time

MALFORMED_KINDS = (
    "broken_json",
    "invalid_polyline",
    "impossible_coordinates",
    "impossible_time_zone",
    "missing_sections",
    "lone_surrogate",
)

# RestaurantAvailability bodies that are not one (an open enum's new status among them).
MALFORMED_AVAILABILITY = (
    b'{"restaurantGuid": ',
    b'["ONLINE"]',
    b'{"reasonKey": "AVAILABILITY_OFFLINE"}',
    b'{"status": 0, "reason": "<b>closed</b>"}',
    b'{"status": "PAUSED", "reason": "Snoozed for 20 minutes"}',
)


class FaultInjector:
    def __init__(self, faults, seed):
        self.faults = faults
        self.rng = random.Random(seed * 104729 + 3)
        self.lock = threading.Lock()
        self.api_requests = 0
        self.malformed_served = 0
        self.malformed_availability_served = 0

    def replace(self, faults):
        with self.lock:
            self.faults = faults
            self.api_requests = 0

    def before_answer(self, now):
        """The fault status for this API request, if any (latency is slept here)."""
        faults = self.faults
        if faults.latency_ms or faults.latency_jitter_ms:
            with self.lock:
                jitter = self.rng.uniform(0, faults.latency_jitter_ms)
            time.sleep((faults.latency_ms + jitter) / 1000)
        if faults.in_outage(now):
            return 503
        with self.lock:
            self.api_requests += 1
            count = self.api_requests
            roll = self.rng.random()
        every, length = faults.burst_429_every, faults.burst_429_length
        if every and length and (count - 1) % (every + length) >= every:
            return 429
        if roll < faults.error_rate:
            return faults.error_status
        return None

    def restaurant_body(self, info_bytes, load_info):
        """The RestaurantInfo body to send: usually as is, sometimes broken (`load_info()`
        gives the RestaurantInfo to break, made only then)."""
        with self.lock:
            if not self.faults.malformed_rate or self.rng.random() >= self.faults.malformed_rate:
                return info_bytes
            kind = MALFORMED_KINDS[self.malformed_served % len(MALFORMED_KINDS)]
            self.malformed_served += 1
        return malformed(kind, info_bytes, load_info())

    def availability_body(self, record):
        """The RestaurantAvailability body to send: usually `record`, sometimes broken."""
        with self.lock:
            rate = self.faults.malformed_availability_rate
            if not rate or self.rng.random() >= rate:
                return json.dumps(record).encode()
            served = self.malformed_availability_served
            self.malformed_availability_served += 1
        return MALFORMED_AVAILABILITY[served % len(MALFORMED_AVAILABILITY)]


def malformed(kind, info_bytes, info):
    if kind == "broken_json":
        return info_bytes[: len(info_bytes) // 2]
    bad = copy.deepcopy(info)
    if kind == "invalid_polyline":
        bad["delivery"] = {"enabled": True, "minimum": 10.0, "area": "@@@not-a-polyline"}
    elif kind == "impossible_coordinates":
        bad["location"]["latitude"] = 123.456
    elif kind == "impossible_time_zone":
        bad["general"]["timeZone"] = "Mars/Olympus_Mons"
    elif kind == "lone_surrogate":
        bad["general"]["name"] += "\ud800"  # valid JSON, invalid Unicode
    else:
        bad = {"guid": info["guid"], "general": {"name": info["general"]["name"]}, "urls": None}
        bad["schedules"] = {"weekSchedule": {"monday": "missing-day-schedule"}}
    return json.dumps(bad).encode()
