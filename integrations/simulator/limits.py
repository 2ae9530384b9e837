"""The platform's rate limits: fixed time slices per restaurant or per client address."""

import math
import threading
import time


class RateLimits:
    def __init__(self, per_second, per_window, window_seconds, clock=time.time):
        self.per_second = per_second
        self.per_window = per_window
        self.window_seconds = window_seconds
        self.clock = clock
        self.lock = threading.Lock()
        self.seconds = {}  # key -> (slice, count)
        self.windows = {}

    def check(self, key):
        """Counts one request; returns (allowed, remaining, reset epoch, retry after seconds)."""
        now = self.clock()
        second = math.floor(now)
        window = math.floor(now / self.window_seconds)
        with self.lock:
            s_slice, s_count = self.seconds.get(key, (second, 0))
            w_slice, w_count = self.windows.get(key, (window, 0))
            s_count = s_count if s_slice == second else 0
            w_count = w_count if w_slice == window else 0
            if w_count >= self.per_window:
                reset = (window + 1) * self.window_seconds
                return False, 0, reset, max(1, math.ceil(reset - now))
            if s_count >= self.per_second:
                return False, 0, second + 1, 1
            self.seconds[key] = (second, s_count + 1)
            self.windows[key] = (window, w_count + 1)
        remaining = min(self.per_second - s_count - 1, self.per_window - w_count - 1)
        return True, remaining, second + 1, 0
