"""The address a request came from, as the sign-in lockout (django-axes) counts it."""

from django.http import HttpRequest


def behind_tls_proxy(request: HttpRequest) -> str:
    """Behind the TLS proxy every socket is the proxy's: the client is the address
    the proxy appended to X-Forwarded-For, its last entry (the ones before it
    are whatever the client wrote)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    return last or request.META.get("REMOTE_ADDR", "")
