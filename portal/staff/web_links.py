"""The restaurant's URLs as links staff can click, without trusting what the platform sent.

Only http(s) addresses become links: a `javascript:` or `data:` URL in a
payload must never run in a staff member's browser. Anything else is shown
as plain text so nothing is hidden. A Twitter handle (`@name`, or the bare
name) links to its profile.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from restaurants.field_labels import URLS
from restaurants.models import Restaurant

# Twitter's own rule is letters, digits and "_" (15 at most); the platform's
# data has hyphens too, and a link to a missing profile harms nobody.
HANDLE = re.compile(r"@?([A-Za-z0-9_-]{1,50})")


@dataclass(frozen=True)
class WebLink:
    label: str
    text: str
    href: str | None  # None: shown, not linked


def links(restaurant: Restaurant) -> list[WebLink]:
    found = []
    for field, label in URLS.items():
        value = (getattr(restaurant, field) or "").strip()
        if value:
            found.append(WebLink(label, value, _href(field, value)))
    return found


def _href(field: str, value: str) -> str | None:
    handle = HANDLE.fullmatch(value) if field == "twitter" else None
    if handle:
        return f"https://twitter.com/{quote(handle[1])}"
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else None
