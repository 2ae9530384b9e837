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
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import requests

from restaurants import strict_json

from . import errors, pages
from .ratelimit import bucket_for

logger = logging.getLogger(__name__)

LOGIN = "/authentication/v1/authentication/login"
PARTNER_RESTAURANTS = "/partners/v1/restaurants"
CONNECTED_RESTAURANTS = "/partners/v1/connectedRestaurants"
RESTAURANT = "/restaurants/v1/restaurants/{guid}"
GROUP_RESTAURANTS = "/restaurants/v1/groups/{guid}/restaurants"
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Call:
    """One logical request, as the halting mechanism and the failure log name it."""

    method: str
    endpoint: str  # path template
    path: str
    restaurant_guid: str | None = None
    params: dict | None = None


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0

    def delay(self, attempt):
        """Exponential backoff with full jitter."""
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)))


class ToastClient:
    def __init__(
        self,
        *,
        base_url,
        client_id,
        client_secret,
        session,
        tokens,
        limiter,
        guard,
        timeouts=(5.0, 30.0),
        retry=RetryPolicy(),
        sleep=time.sleep,
    ):
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
    def login(self):
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

    def partner_restaurants(self, last_modified=None):
        """Every restaurant whose connection changed after `last_modified` (all without it)."""
        params = {"lastModified": _platform_instant(last_modified)} if last_modified else None
        call = Call("GET", PARTNER_RESTAURANTS, PARTNER_RESTAURANTS, params=params)
        return self._request(call, list)

    def connected_restaurants(self, last_modified=None, page_size=MAX_PAGE_SIZE):
        """Yields every connection, page after page, whichever shape the pages come in
        (pages.py). A token named twice would never end the listing: that is an error."""
        params = {"pageSize": page_size}
        if last_modified:
            params["lastModified"] = _platform_instant(last_modified)
        asked = set()
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

    def restaurant_info(self, guid, include_archived=False):
        """The restaurant's `RestaurantInfo`, as parsed JSON."""
        guid = str(guid)
        params = {"includeArchived": "true"} if include_archived else None
        call = Call("GET", RESTAURANT, RESTAURANT.format(guid=guid), guid, params)
        return self._request(call, dict)

    def group_restaurants(self, group_guid, via_restaurant_guid):
        """GUIDs of every restaurant of a management group, asked through one of its restaurants."""
        path = GROUP_RESTAURANTS.format(guid=group_guid)
        call = Call("GET", GROUP_RESTAURANTS, path, str(via_restaurant_guid))
        items = self._request(call, list)
        return [item["guid"] for item in items if isinstance(item, dict) and item.get("guid")]

    # The one way a request is sent -------------------------------------------
    def _request(self, call, expected, *, json=None, authenticated=True):
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

    def _read(self, call, expected, body, headers):
        if isinstance(expected, type):
            return _expect(body, expected, call)
        try:
            return expected(body, headers)
        except pages.PageError as exc:
            raise self._error(call, errors.MalformedResponse, str(exc), kind="malformed") from exc

    def _send(self, call, json, token):
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
            response = self.session.get_adapter(request.url).send(request, timeout=self.timeouts)
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

    def _prepared(self, call, json, headers):
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

    def _http_error(self, call, response):
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

    def _error(self, call, error_class, message, **details):
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


def _retryable(error):
    return error.transient or error.status == 429


def _expect(value, kind, call):
    if not isinstance(value, kind):
        raise errors.MalformedResponse(
            f"{call.method} {call.endpoint} answered {type(value).__name__}, "
            f"not the documented {kind.__name__}",
            endpoint=call.endpoint,
            restaurant_guid=call.restaurant_guid,
            kind="malformed",
        )
    return value


def _json_or_none(response):
    try:
        return strict_json.loads(response.content)
    except ValueError:
        return None


def _platform_instant(moment):
    """The partners API's lastModified format: 2020-03-01T00:00:00.000-0000, in UTC."""
    utc = moment.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}-0000"
