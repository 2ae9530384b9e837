"""The platform's API as the simulator answers it: paths, headers, shapes, errors."""

import base64
import datetime
import json
import re
import uuid
from urllib.parse import urlencode

LOGIN = "/authentication/v1/authentication/login"
PARTNER_RESTAURANTS = "/partners/v1/restaurants"
CONNECTED = "/partners/v1/connectedRestaurants"
RESTAURANT = re.compile(r"^/restaurants/v1/restaurants/(?P<guid>[^/]+)$")
GROUP = re.compile(r"^/restaurants/v1/groups/(?P<guid>[^/]+)/restaurants$")
AVAILABILITY = "/restaurant-availability/v1/availability"
MAX_PAGE_SIZE = 200


class Answer:
    def __init__(self, status, body=b"", headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.headers = headers or {}


def error(status, message, *, developer_message=None, headers=None):
    """An `ErrorMessage` body, with the requestId support asks for."""
    body = {
        "status": str(status),  # a string in the platform's ErrorMessage
        "code": status * 100,
        "message": message,
        "messageKey": None,
        "fieldName": None,
        "link": None,
        "requestId": str(uuid.uuid4()),
        "developerMessage": developer_message or message,
        "errors": [],
        "canRetry": None,
    }
    return Answer(status, body, headers)


def template(path):
    """The endpoint's path template, for counting."""
    if RESTAURANT.match(path):
        return "/restaurants/v1/restaurants/{guid}"
    if GROUP.match(path):
        return "/restaurants/v1/groups/{guid}/restaurants"
    return path


def parse_last_modified(text):
    """`2020-03-01T00:00:00.000-0000` (and ISO forms) to epoch milliseconds; None if invalid."""
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return int(moment.timestamp() * 1000)


def page_token(offset):
    return base64.b64encode(f"o:{offset}".encode()).decode()


def page_offset(token):
    try:
        kind, value = base64.b64decode(token, validate=True).decode().split(":")
        offset = int(value)
    except ValueError:
        return None
    return offset if kind == "o" and offset >= 0 else None


def connected_page(records, query, base_url, published):
    """One `PaginatedResponse` page and its `Link` header, or an error answer; in the
    shapes of the platform's published material where `published` says so."""
    try:
        size = int(query.get("pageSize", "100"))
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        return error(400, f"pageSize must be between 1 and {MAX_PAGE_SIZE}")
    offset = page_offset(query["pageToken"]) if "pageToken" in query else 0
    if offset is None:
        return error(400, "pageToken is not valid")
    results = records[offset : offset + size]
    page = offset // size + 1
    last = max(1, -(-len(records) // size))
    body = {
        "currentPageNum": page,
        "results": results,
        "totalResultCount": len(records),
        "pageSize": size,
        "currentPageToken": page_token(offset),
        "totalCount": len(records),
        "lastPageNum": last,
    }
    headers = {}
    if offset + size < len(records):
        body["nextPageToken"] = page_token(offset + size)
        body["nextPageNum"] = page + 1
        params = {k: v for k, v in query.items() if k != "pageToken"}
        params["pageToken"] = body["nextPageToken"]
        headers["Link"] = f'<{base_url}{CONNECTED}?{urlencode(params)}>; rel="next"'
        if published.next_page_in_link_only:
            body["nextPageToken"] = None
    return Answer(200, [body] if published.pages_as_array else body, headers)
