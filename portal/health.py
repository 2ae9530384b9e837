"""A health check a load balancer or an operator can poll without signing in."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse


def _database_ok():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def _cache_ok():
    cache.set("health:probe", "ok", 10)
    return cache.get("health:probe") == "ok"


CHECKS = {"database": _database_ok, "cache": _cache_ok}


def health(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = "ok" if check() else "failing"
        except Exception as exc:  # noqa: BLE001 - a health check reports, never raises
            results[name] = f"failing: {type(exc).__name__}"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            "checks": results,
            "instance": settings.PORTAL_INSTANCE,
        },
        status=200 if healthy else 503,
    )
