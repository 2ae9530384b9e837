"""The portal's API client, wired to its settings and shared state.

`get_client()` gives each process one client with one pooled HTTP session;
the token, rate budgets, halts and circuit it uses live in the database, so
every worker process on every machine shares them.
"""

import os
import threading

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from .budgets import DatabaseBudgets
from .guard import Guard
from .toast.client import RetryPolicy, ToastClient
from .toast.ratelimit import Limits, RateLimiter
from .toast.tokens import SharedTokens
from .token_store import DatabaseTokenStore

_clients = {}
_lock = threading.Lock()


def get_client():
    """This process's client (a forked worker builds its own session)."""
    pid = os.getpid()
    with _lock:
        if pid not in _clients:
            _clients.clear()
            _clients[pid] = build_client()
        return _clients[pid]


def reset_clients():
    """Forget this process's client, e.g. after the settings changed."""
    with _lock:
        _clients.clear()


def build_client(**overrides):
    """A new client from settings; tests and benchmarks override single parts."""
    pool = max(10, settings.TOAST_SYNC_CONCURRENCY * 2)
    session = requests.Session()
    session.trust_env = False  # no proxy/netrc lookups in the environment on every request
    session.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=pool))
    session.mount("https://", HTTPAdapter(pool_connections=4, pool_maxsize=pool))
    parts = {
        "base_url": settings.TOAST_API_HOSTNAME,
        "client_id": settings.TOAST_CLIENT_ID,
        "client_secret": settings.TOAST_CLIENT_SECRET,
        "session": session,
        "limiter": RateLimiter(
            DatabaseBudgets(),
            Limits(
                settings.TOAST_RATE_LIMIT_PER_SECOND,
                settings.TOAST_RATE_LIMIT_PER_WINDOW,
                settings.TOAST_RATE_LIMIT_WINDOW_SECONDS,
            ),
        ),
        "guard": Guard(),
        "tokens": SharedTokens(
            DatabaseTokenStore(), logins_per_hour=settings.TOAST_LOGINS_PER_HOUR
        ),
        "timeouts": (settings.TOAST_CONNECT_TIMEOUT_SECONDS, settings.TOAST_READ_TIMEOUT_SECONDS),
        "retry": RetryPolicy(
            settings.TOAST_MAX_RETRIES,
            settings.TOAST_BACKOFF_BASE_SECONDS,
            settings.TOAST_BACKOFF_MAX_SECONDS,
        ),
        **overrides,
    }
    return ToastClient(**parts)
