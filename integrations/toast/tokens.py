"""The access token, shared by every worker process through the cache.

One login per token lifetime for the whole installation: the token and its
expiry live in the shared cache; a lock (an atomic `cache.add`) makes
concurrent workers wait for the one login in progress instead of all logging
in. A new token is requested during the last minute of the old one's life, as
the platform's guide asks.
"""

import logging
import time
import uuid
from dataclasses import dataclass

logger = logging.getLogger(__name__)

TOKEN_KEY = "toast:token:access"  # portal.logging redacts the value under this key
TIMES_KEY = "toast:token:times"  # (renew at, expires at), epoch seconds
LOCK_KEY = "toast:token:login-lock"
REFRESH_MARGIN_SECONDS = 60
# expiresIn outside these bounds is nonsense; a token is then kept this long
# and a 401 (at most one re-login per call) corrects us if it was shorter.
MIN_SANE_LIFETIME_SECONDS = 1
MAX_SANE_LIFETIME_SECONDS = 7 * 24 * 3600
FALLBACK_LIFETIME_SECONDS = 3600
LOCK_SECONDS = 30


@dataclass(frozen=True)
class Token:
    value: str
    renew_at: float
    expires_at: float


class TokenCache:
    def __init__(self, cache, *, clock=time.time, sleep=time.sleep):
        self.cache = cache
        self.local = None  # this process's copy, so most calls skip the cache
        self.clock = clock
        self.sleep = sleep

    def get(self, login):
        """A token valid beyond its refresh margin, calling `login()` — which returns
        (access token, expiresIn) — only when needed."""
        local = self.local
        if local and not self._due(local):
            return local
        deadline = self.clock() + LOCK_SECONDS
        while True:
            token = self._cached()
            if token and not self._due(token):
                self.local = token
                return token
            owner = uuid.uuid4().hex
            if self.cache.add(LOCK_KEY, owner, LOCK_SECONDS):
                try:
                    self.local = self._login_unless_fresh(login)
                    return self.local
                finally:
                    if self.cache.get(LOCK_KEY) == owner:
                        self.cache.delete(LOCK_KEY)
            if token and self.clock() < token.expires_at:
                # Someone else is renewing; the old token is still good meanwhile.
                return token
            if self.clock() > deadline:
                # The lock holder died; its lock expires by itself, try again.
                self.cache.delete(LOCK_KEY)
            self.sleep(0.05)

    def invalidate(self, token):
        """After a 401: forget this token (not a newer one another worker got)."""
        self.local = None
        if self.cache.get(TOKEN_KEY) == token.value:
            self.cache.delete_many([TOKEN_KEY, TIMES_KEY])

    def _login_unless_fresh(self, login):
        token = self._cached()
        if token and not self._due(token):
            return token  # renewed by another worker while we waited for the lock
        value, expires_in = login()
        lifetime = _sane_lifetime(expires_in)
        now = self.clock()
        # A short-lived token is renewed at half its life, never on every call.
        margin = min(REFRESH_MARGIN_SECONDS, lifetime / 2)
        token = Token(value, now + lifetime - margin, now + lifetime)
        self.cache.set_many(
            {TOKEN_KEY: value, TIMES_KEY: (token.renew_at, token.expires_at)}, lifetime
        )
        return token

    def _cached(self):
        values = self.cache.get_many([TOKEN_KEY, TIMES_KEY])
        if TOKEN_KEY in values and TIMES_KEY in values:
            return Token(values[TOKEN_KEY], *values[TIMES_KEY])
        return None

    def _due(self, token):
        return self.clock() >= token.renew_at


def _sane_lifetime(expires_in):
    try:
        seconds = float(expires_in)
    except (TypeError, ValueError):
        seconds = -1
    if MIN_SANE_LIFETIME_SECONDS <= seconds <= MAX_SANE_LIFETIME_SECONDS:
        return seconds
    logger.error(
        "The platform answered a nonsensical token lifetime (expiresIn=%r); "
        "keeping the token %d s and relying on a 401 to renew it.",
        expires_in,
        FALLBACK_LIFETIME_SECONDS,
    )
    return FALLBACK_LIFETIME_SECONDS
