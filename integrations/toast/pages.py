"""One answer of `connectedRestaurants`, in every shape the platform publishes.

The guide shows one `PaginatedResponse` object per answer; the published OpenAPI
file types the answer as an array of them. Either is read here. The next page
is named by `nextPageToken` or, where the body leaves it out, by the `rel="next"`
URL of the `Link` header. The page numbers and counts (`currentPageNum`,
`nextPageNum`, `lastPageNum`, `previousPageNum`, `totalCount`,
`totalResultCount`, `currentPageToken`) are the platform's own bookkeeping: any
of them may be missing or null, and none decides where the listing ends, since
only a token can ask for the next page.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from requests.utils import parse_header_links


class PageError(ValueError):
    """An answer that is not a page of connections."""


@dataclass(frozen=True)
class Page:
    results: list[Any]
    next_token: str | None


def read(body: Any, headers: Mapping[str, str]) -> Page:
    """The connections of one answer and the token of the page after it (None: the last)."""
    pages = body if isinstance(body, list) else [body]
    results: list[Any] = []
    for page in pages:
        if not isinstance(page, dict):
            raise PageError(f"answered a page that is {type(page).__name__}, not an object")
        listed = page.get("results")
        if listed is not None and not isinstance(listed, list):
            raise PageError(f"answered results that are {type(listed).__name__}, not a list")
        results += listed or []
    last = pages[-1] if pages else {}
    return Page(results, _token(last.get("nextPageToken")) or _link_token(headers.get("Link")))


def _token(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise PageError(f"answered a nextPageToken that is {type(value).__name__}, not text")
    return value


def _link_token(header: str | None) -> str | None:
    """The `pageToken` of the Link header's next URL. Only the token is taken: the
    request for the next page goes to the configured host, wherever the link points."""
    if not header:
        return None
    for link in parse_header_links(header):
        if link.get("rel") == "next":
            tokens = parse_qs(urlsplit(link.get("url", "")).query).get("pageToken")
            return tokens[0] if tokens else None
    return None
