"""What can go wrong when calling the platform, as exceptions that say so.

Messages name the endpoint, the restaurant, the status and the platform's
`requestId` (its support asks for it) — never a credential.
"""

import datetime
from typing import Any


class ToastError(Exception):
    """Base class: every failure of a platform call."""

    transient = False

    def __init__(
        self, message: str, *, endpoint: str = "", restaurant_guid: str | None = None
    ) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.restaurant_guid = restaurant_guid


class NotConfigured(ToastError):
    """No hostname or credentials: the portal cannot reach any platform."""


class RestaurantRemoved(ToastError):
    """The restaurant removed the integration: no request may be sent for it."""


class RequestHalted(ToastError):
    """The halting mechanism stopped this request until a person resumes it."""


class PlatformUnavailable(ToastError):
    """Planned maintenance or an open circuit: reads are paused, cached data is served."""

    transient = True

    def __init__(
        self, message: str, *, retry_at: datetime.datetime | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.retry_at = retry_at


class LoginBudgetSpent(PlatformUnavailable):
    """A new token is needed, but the logins the platform allows an hour are spent:
    requests wait (cached data is served) until `retry_at`, rather than log in again."""


class Throttled(ToastError):
    """The rate-limit budget would not free up within the time a caller may wait."""

    transient = True


class ApiError(ToastError):
    """The platform answered with an error, or with something that is not the documented shape."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str = "",
        kind: str = "http",
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.status = status
        self.request_id = request_id
        self.kind = kind

    @property
    def signature(self) -> str:
        """How this failure looks, for the halting mechanism: the same way twice is the same."""
        return f"{self.kind} {self.status}" if self.status else self.kind


class TransientError(ApiError):
    """5xx, timeout or connection failure that outlived its retries."""

    transient = True


class AuthenticationFailed(ApiError):
    """The platform refused the client credentials."""


class NotFound(ApiError):
    """404: unknown or archived restaurant."""


class Forbidden(ApiError):
    """403: the platform no longer lets this client read the restaurant."""


class MalformedResponse(ApiError):
    """A 2xx answer whose body is not JSON of the documented shape."""
