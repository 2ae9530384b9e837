"""The one rule for Django's SECRET_KEY: a real, random one, or the portal does not start."""

from django.core.exceptions import ImproperlyConfigured

MINIMUM_LENGTH = 50
MINIMUM_DISTINCT_CHARACTERS = 5


def required(value: str) -> str:
    """The key, if it is fit to sign sessions and status links; otherwise a clear refusal.
    The same bar as Django's deploy check (security.W009), enforced at start."""
    if (
        len(value) < MINIMUM_LENGTH
        or len(set(value)) < MINIMUM_DISTINCT_CHARACTERS
        or value.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or not a real key: set a random one of at least "
            f"{MINIMUM_LENGTH} characters in .env or the environment (`make run` writes one "
            "into a new .env; or: python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return value
