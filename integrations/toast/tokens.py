"""The access token, by the platform guide's rules, for every process at once.

- One token for the whole installation, kept in a shared store (the database:
  it outlives a restart of every process, and of Redis). A process keeps a
  copy and reads the store only when its copy is due or refused.
- A new token is requested during the last minute of the old one's life, as
  the guide asks, and only then or after the platform refused the token (401,
  e.g. after the platform restarted): so each day-long token is used for far
  more than the guide's 30 minutes, however often the portal restarts.
- At most `logins_per_hour` (the guide: two) logins in any hour, counted in
  the store across processes. One worker logs in (it claims the login in the
  store); the others wait for its token, or go on with the old one while it
  is still valid.
- When a token is needed and the hour's logins are spent, nobody logs in:
  every request raises `LoginBudgetSpent` (reads pause, cached data is
  served, like planned maintenance) until the oldest of those logins is an
  hour old, and staff see one alert saying so. Hammering the login would only
  get the integration blocked.
"""

import collections
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from . import errors

logger = logging.getLogger(__name__)

REFRESH_MARGIN_SECONDS = 60
HOUR_SECONDS = 3600
# expiresIn outside these bounds is nonsense; a token is then kept this long
# and a 401 (at most one re-login per call) corrects us if it was shorter.
MIN_SANE_LIFETIME_SECONDS = 1
MAX_SANE_LIFETIME_SECONDS = 7 * 24 * 3600
FALLBACK_LIFETIME_SECONDS = 3600
LOGIN_CLAIM_SECONDS = 30  # a worker that died logging in is replaced after this
WAIT_STEP_SECONDS = 0.05

# The token values this process has held, for the log redaction (integrations/redaction.py).
_known: collections.deque[str] = collections.deque(maxlen=4)


def known_values() -> list[str]:
    return list(_known)


@dataclass(frozen=True)
class Token:
    value: str
    renew_at: float  # epoch seconds
    expires_at: float
    refused: bool = False

    def usable(self, now: float) -> bool:
        return not self.refused and now < self.expires_at


class TokenStore(Protocol):
    """Where the shared token and the recent logins live (integrations/token_store.py)."""

    def current(self) -> Token | None: ...
    def claim_login(self, owner: str, now: float, seconds: float) -> bool: ...
    def release_login(self, owner: str) -> None: ...
    def logins_since(self, since: float) -> list[float]: ...
    def save(self, owner: str, token: Token, now: float, reason: str) -> None: ...
    def mark_refused(self, value: str, now: float) -> bool: ...
    # Tells staff (and the log) once that the hour's logins are spent; True if this
    # call did.
    def report_budget_spent(self, title: str, message: str) -> bool: ...


# Logs in: (the access token, the platform's expiresIn, unchecked).
Login = Callable[[], tuple[str, Any]]


class SharedTokens:
    def __init__(
        self,
        store: TokenStore,
        *,
        logins_per_hour: int = 2,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.store = store
        self.logins_per_hour = logins_per_hour
        self.local: Token | None = None  # this process's copy, so most calls skip the store
        # (message, retry_at): LoginBudgetSpent until retry_at
        self.blocked: tuple[str, datetime] | None = None
        self.clock = clock
        self.sleep = sleep

    def get(self, login: Login) -> Token:
        """A token valid beyond its refresh margin, calling `login()` — which returns
        (access token, expiresIn) — only when the rules above allow it."""
        local = self.local
        if local and not self._due(local):
            return local
        owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        while True:
            shared = self.store.current()
            if shared and shared.usable(self.clock()) and not self._due(shared):
                return self._adopt(shared)
            if self.blocked and self.clock() < self.blocked[1].timestamp():
                if shared and shared.usable(self.clock()):
                    return self._adopt(shared)  # due for renewal, still valid: keep it
                raise self._blocked_error()
            if self.store.claim_login(owner, self.clock(), LOGIN_CLAIM_SECONDS):
                try:
                    return self._adopt(self._login_unless_fresh(login, owner))
                finally:
                    self.store.release_login(owner)
            if shared and shared.usable(self.clock()):
                return self._adopt(shared)  # another worker is renewing; this one is good
            self.sleep(WAIT_STEP_SECONDS)

    def invalidate(self, token: Token) -> None:
        """After a 401: the platform refused this token (not a newer one another worker
        got). The first worker to notice says so; the next get() logs in once."""
        self.local = None
        if self.store.mark_refused(token.value, self.clock()):
            logger.info(
                "The platform refused the access token (it restarted or revoked it): "
                "one login replaces it for every worker"
            )

    def _login_unless_fresh(self, login: Login, owner: str) -> Token:
        now = self.clock()
        shared = self.store.current()
        if shared and shared.usable(now) and not self._due(shared):
            return shared  # renewed by another worker while we waited for the claim
        recent = self.store.logins_since(now - HOUR_SECONDS)
        if len(recent) >= self.logins_per_hour:
            self._spent(recent)
            if shared and shared.usable(now):
                return shared  # until it expires, without claiming a login per call
            raise self._blocked_error()
        value, expires_in = login()
        lifetime = _sane_lifetime(expires_in)
        now = self.clock()
        # A short-lived token is renewed at half its life, never on every call.
        margin = min(REFRESH_MARGIN_SECONDS, lifetime / 2)
        token = Token(value, now + lifetime - margin, now + lifetime)
        self.store.save(owner, token, now, _reason(shared, now))
        self.blocked = None
        return token

    def _spent(self, recent: list[float]) -> None:
        """Remembers until when no login is allowed, and tells staff once."""
        retry_at = datetime.fromtimestamp(recent[-self.logins_per_hour] + HOUR_SECONDS, UTC)
        title = "Platform login paused: the hour's logins are spent"
        message = (
            f"A new access token is needed, but the portal logged in {len(recent)} times in "
            f"the last hour (the platform allows {self.logins_per_hour}). Requests wait, "
            f"and cached data is served, until {retry_at:%Y-%m-%d %H:%M:%S} UTC; then one "
            "worker logs in. If this repeats, check why the platform refuses new tokens."
        )
        self.store.report_budget_spent(title, message)  # which logs it, once
        self.blocked = (message, retry_at)

    def _blocked_error(self) -> errors.LoginBudgetSpent:
        assert self.blocked is not None  # called only while blocked
        message, retry_at = self.blocked
        return errors.LoginBudgetSpent(message, retry_at=retry_at)

    def _adopt(self, token: Token) -> Token:
        self.local = token
        if token.value not in _known:
            _known.append(token.value)
        return token

    def _due(self, token: Token) -> bool:
        return token.refused or self.clock() >= token.renew_at


def _reason(previous: Token | None, now: float) -> str:
    if previous is None:
        return "first token"
    if previous.refused:
        return "token refused (401)"
    return "renewal" if now < previous.expires_at else "token expired"


def _sane_lifetime(expires_in: Any) -> float:
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
