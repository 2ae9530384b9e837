"""The platform API client: endpoints, retries with backoff, tokens, throttling.

It knows nothing of the portal's models. What must be shared or remembered —
the token, rate budgets, failures, halts, the circuit, maintenance windows,
removed restaurants — is handed in as collaborators (see integrations/platform.py
for the portal's own wiring), so the same client serves the queue workers, the
management commands and the tests.
"""

import datetime
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import quote, urlencode

import requests

from restaurants import strict_json

from . import availability, errors, pages
from .ratelimit import RateLimiter, bucket_for
from .tokens import SharedTokens, Token

logger = logging.getLogger(__name__)

LOGIN = "/authentication/v1/authentication/login"
PARTNER_RESTAURANTS = "/partners/v1/restaurants"
CONNECTED_RESTAURANTS = "/partners/v1/connectedRestaurants"
RESTAURANT = "/restaurants/v1/restaurants/{guid}"
GROUP_RESTAURANTS = "/restaurants/v1/groups/{guid}/restaurants"
AVAILABILITY = "/restaurant-availability/v1/availability"
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Call:
    """One logical request, as the halting mechanism and the failure log name it."""

    method: str
    endpoint: str  # path template
    path: str
    restaurant_guid: str | None = None
    params: dict[str, Any] | None = None


class CallGuard(Protocol):
    """The portal's checks and records around every call (integrations/guard.py).

    `before` refuses a call (raising a ToastError) or returns a ticket, which the
    client hands back when the call ends."""

    def before(self, call: Call) -> Any: ...

    def failed(
        self, call: Call, error: errors.ApiError, attempt: int, will_retry: bool
    ) -> None: ...

    def gave_up(self, call: Call, error: errors.ApiError, ticket: Any) -> None: ...

    def succeeded(self, call: Call, ticket: Any) -> None: ...


R = TypeVar("R")
E = TypeVar("E", bound=errors.ApiError)
# What an answer must be: a JSON type (dict, list), or a reader of (body, headers).
Expected = type[R] | Callable[[Any, Mapping[str, str]], R]


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0

    def delay(self, attempt: int) -> float:
        """Exponential backoff with full jitter."""
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)))


class ToastClient:
    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        session: requests.Session,
        tokens: SharedTokens,
        limiter: RateLimiter,
        guard: CallGuard,
        timeouts: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        if not base_url or not client_id or not client_secret:
            raise errors.NotConfigured(
                "TOAST_API_HOSTNAME, TOAST_CLIENT_ID and TOAST_CLIENT_SECRET must be set"
            )
        self.base_url = base_url.rstrip("/")
        try:
            requests.Request("GET", self.base_url).prepare()
        except requests.RequestException as exc:
            raise errors.NotConfigured(f"TOAST_API_HOSTNAME is not a URL: {exc}") from exc
        self._credentials = {"clientId": client_id, "clientSecret": client_secret}
        self.session = session
        self.tokens = tokens
        self.limiter = limiter
        self.guard = guard
        self.timeouts = timeouts
        self.retry = retry
        self.sleep = sleep

    # Endpoints ---------------------------------------------------------------
    def login(self) -> tuple[str, Any]:
        """Returns (access token, expiresIn); the token cache calls it."""
        body = {**self._credentials, "userAccessType": "TOAST_MACHINE_CLIENT"}
        call = Call("POST", LOGIN, LOGIN)
        answer = self._request(call, dict, json=body, authenticated=False)
        try:
            token = answer["token"]
            return token["accessToken"], token.get("expiresIn")
        except (KeyError, TypeError) as exc:
            raise errors.MalformedResponse(
                "The login answer has no token.accessToken", endpoint=LOGIN
            ) from exc

    def partner_restaurants(self, last_modified: datetime.datetime | None = None) -> list[Any]:
        """Every restaurant whose connection changed after `last_modified` (all without it)."""
        params = {"lastModified": _platform_instant(last_modified)} if last_modified else None
        call = Call("GET", PARTNER_RESTAURANTS, PARTNER_RESTAURANTS, params=params)
        return self._request(call, list)

    def connected_restaurants(
        self, last_modified: datetime.datetime | None = None, page_size: int = MAX_PAGE_SIZE
    ) -> Iterator[Any]:
        """Yields every connection, page after page, whichever shape the pages come in
        (pages.py). A token named twice would never end the listing: that is an error."""
        params: dict[str, Any] = {"pageSize": page_size}
        if last_modified:
            params["lastModified"] = _platform_instant(last_modified)
        asked: set[str] = set()
        while True:
            call = Call("GET", CONNECTED_RESTAURANTS, CONNECTED_RESTAURANTS, params=dict(params))
            page = self._request(call, pages.read)
            yield from page.results
            if not page.next_token:
                return
            if page.next_token in asked:
                message = f"named page token {page.next_token[:80]!r} again: the pages loop"
                raise self._error(call, errors.MalformedResponse, message, kind="malformed")
            asked.add(page.next_token)
            params["pageToken"] = page.next_token

    def restaurant_info(self, guid: object, include_archived: bool = False) -> dict[str, Any]:
        """The restaurant's `RestaurantInfo`, as parsed JSON."""
        guid = str(guid)
        params = {"includeArchived": "true"} if include_archived else None
        call = Call("GET", RESTAURANT, RESTAURANT.format(guid=guid), guid, params)
        return self._request(call, dict)

    def group_restaurants(self, group_guid: object, via_restaurant_guid: object) -> list[str]:
        """GUIDs of every restaurant of a management group, asked through one of its restaurants."""
        path = GROUP_RESTAURANTS.format(guid=group_guid)
        call = Call("GET", GROUP_RESTAURANTS, path, str(via_restaurant_guid))
        items = self._request(call, list)
        return [item["guid"] for item in items if isinstance(item, dict) and item.get("guid")]

    def restaurant_availability(self, guid: object) -> availability.Availability:
        """Whether the restaurant accepts online orders now (one restaurant a request: the
        published API takes no list)."""
        guid = str(guid)
        call = Call("GET", AVAILABILITY, AVAILABILITY, guid)
        return self._request(call, availability.answer_reader(guid))

    # The one way a request is sent -------------------------------------------
    def _request(
        self,
        call: Call,
        expected: Expected[R],
        *,
        json: dict[str, Any] | None = None,
        authenticated: bool = True,
    ) -> R:
        """Sends `call` until it succeeds or may not be retried; returns the JSON answer,
        checked to be of the `expected` type or read by the `expected` function."""
        ticket = self.guard.before(call)
        relogged = False
        attempt = 0
        while True:
            attempt += 1
            token = self.tokens.get(self.login) if authenticated else None
            try:
                answer = self._read(call, expected, *self._send(call, json, token))
            except errors.ApiError as error:
                if error.status == 401 and token and not relogged:
                    # The platform restarted or revoked the token: expected, not a
                    # failure (the login history records it). One re-login, no loop.
                    relogged = True
                    self.tokens.invalidate(token)
                    continue
                will_retry = _retryable(error) and attempt <= self.retry.max_retries
                self.guard.failed(call, error, attempt, will_retry=will_retry)
                if not will_retry:
                    self.guard.gave_up(call, error, ticket)
                    raise
                if error.status != 429:  # a 429 already paused its budget
                    self.sleep(self.retry.delay(attempt))
                continue
            self.guard.succeeded(call, ticket)
            return answer

    def _read(self, call: Call, expected: Expected[R], body: Any, headers: Mapping[str, str]) -> R:
        if isinstance(expected, type):
            return _expect(body, expected, call)
        try:
            return expected(body, headers)
        except (pages.PageError, availability.AvailabilityError) as exc:
            raise self._error(call, errors.MalformedResponse, str(exc), kind="malformed") from exc

    def _send(
        self, call: Call, json: dict[str, Any] | None, token: Token | None
    ) -> tuple[Any, Mapping[str, str]]:
        """Sends one request; returns the answer's JSON and its headers."""
        bucket = bucket_for(call.restaurant_guid)
        self.limiter.acquire(bucket)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token.value}"
        if call.restaurant_guid:
            headers["Toast-Restaurant-External-ID"] = call.restaurant_guid
        request = self._prepared(call, json, headers)
        try:
            # Straight to the session's pooled adapter: a Session's cookies, hooks
            # and redirects are of no use here, and cost a fifth of a request's CPU.
            # (The adapter is chosen by the scheme, which the base URL gives.)
            adapter = self.session.get_adapter(self.base_url)
            response = adapter.send(request, timeout=self.timeouts)
        except requests.Timeout as exc:
            raise self._error(call, errors.TransientError, "timed out", kind="timeout") from exc
        except requests.RequestException as exc:
            message = f"connection failed ({type(exc).__name__})"
            raise self._error(call, errors.TransientError, message, kind="connection") from exc
        self.limiter.observe(bucket, response.headers)
        if response.status_code == 429:
            self.limiter.rate_limited(bucket, response.headers.get("Retry-After"))
        if response.status_code >= 300:  # never followed: the token goes to the platform alone
            raise self._http_error(call, response)
        try:
            return strict_json.loads(response.content), response.headers
        except strict_json.InvalidText as exc:
            message = f"answered JSON with {exc}"
            raise self._error(call, errors.MalformedResponse, message, kind="malformed") from exc
        except ValueError as exc:
            raise self._error(
                call, errors.MalformedResponse, "answered a body that is not JSON", kind="malformed"
            ) from exc

    def _prepared(
        self, call: Call, json: dict[str, Any] | None, headers: dict[str, str]
    ) -> requests.PreparedRequest:
        # Built part by part: requests' full URL preparation (parsing, IDNA,
        # requoting) of a base URL checked once and a path of GUIDs cost as
        # much CPU as the rest of the request's preparation together.
        request = requests.PreparedRequest()
        request.prepare_method(call.method)
        query = f"?{urlencode(call.params)}" if call.params else ""
        request.url = self.base_url + quote(call.path, safe="/") + query
        request.prepare_headers(headers)
        request.prepare_body(None, None, json)
        return request

    def _http_error(self, call: Call, response: requests.Response) -> errors.ApiError:
        body = _json_or_none(response)
        details = body if isinstance(body, dict) else {}
        request_id = str(details.get("requestId") or response.headers.get("Toast-Request-Id") or "")
        message = details.get("message") or details.get("developerMessage") or response.reason
        error_class = _ERROR_CLASSES.get(response.status_code)
        if error_class is None:
            transient = response.status_code >= 500
            error_class = errors.TransientError if transient else errors.ApiError
        if call.endpoint == LOGIN and response.status_code in (400, 401, 403):
            error_class = errors.AuthenticationFailed
        return self._error(
            call,
            error_class,
            f"answered {response.status_code}: {message}",
            status=response.status_code,
            request_id=request_id[:128],
        )

    def _error(self, call: Call, error_class: type[E], message: str, **details: Any) -> E:
        where = f"{call.method} {call.endpoint}"
        if call.restaurant_guid:
            where += f" for restaurant {call.restaurant_guid}"
        return error_class(
            f"{where} {message}",
            endpoint=call.endpoint,
            restaurant_guid=call.restaurant_guid,
            **details,
        )


_ERROR_CLASSES = {404: errors.NotFound, 403: errors.Forbidden}


def _retryable(error: errors.ApiError) -> bool:
    return error.transient or error.status == 429


def _expect(value: Any, kind: type[R], call: Call) -> R:
    if not isinstance(value, kind):
        raise errors.MalformedResponse(
            f"{call.method} {call.endpoint} answered {type(value).__name__}, "
            f"not the documented {kind.__name__}",
            endpoint=call.endpoint,
            restaurant_guid=call.restaurant_guid,
            kind="malformed",
        )
    return value


def _json_or_none(response: requests.Response) -> Any:
    try:
        return strict_json.loads(response.content)
    except ValueError:
        return None


def _platform_instant(moment: datetime.datetime) -> str:
    """The partners API's lastModified format: 2020-03-01T00:00:00.000-0000, in UTC."""
    utc = moment.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}-0000"
