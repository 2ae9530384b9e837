"""Test settings: the portal's own, namespaced per pytest-xdist worker.

Parallel workers share one Redis server; each gets its own database number and
queue name so that a test clearing the cache or the queue touches only its own.
"""

import os
import secrets
import tempfile

# The portal refuses to start without a real key. One random key per test run, set
# in the environment so that every process a test starts signs with the same one.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from portal.settings import *  # noqa: F403
from portal.settings import CACHES, Q_CLUSTER, REDIS_URL, budgets_database_name

_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_index = int(_worker.removeprefix("gw") or 0) + 1

# A Redis on a Unix socket is one test's own (tests/integrations/faults): no sharing.
if REDIS_URL and not REDIS_URL.startswith("unix://"):
    _url = REDIS_URL.rsplit("/", 1)[0] if REDIS_URL.count("/") > 2 else REDIS_URL
    CACHES["default"]["LOCATION"] = f"{_url}/{_index}"
    Q_CLUSTER["redis"] = f"{_url}/{_index}"
Q_CLUSTER["name"] = f"portal-test-{_worker}"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests must never reach outside the machine, map tiles included.
MAP_TILE_URL = ""

# A file, not SQLite's shared in-memory database: the sync's threads and the
# worker processes some tests fork need real locking and WAL.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    _name = os.path.join(tempfile.gettempdir(), f"portal-test-{_worker}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": _name}  # noqa: F405
    # Named as a worker process started by a test derives it from the test database.
    DATABASES["budgets"]["TEST"] = {"NAME": budgets_database_name(_name)}  # noqa: F405

# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# No connection outlives its request or thread: the test database can be dropped at the end.
for _database in DATABASES.values():  # noqa: F405
    _database["CONN_MAX_AGE"] = 0

# Pages link static files by their plain names, found where they are: the hashed
# names need collectstatic's manifest (tests/portal/deployment runs it as `make run` does).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise serves collectstatic's output: an empty one keeps it quiet where `make
# run` never ran (the test client and the live server find files in the apps).
STATIC_ROOT = os.path.join(tempfile.gettempdir(), "portal-test-static")
os.makedirs(STATIC_ROOT, exist_ok=True)
