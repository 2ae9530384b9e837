"""The restaurant's URLs as links staff can click, without trusting what the platform sent.

Only http(s) addresses become links: a `javascript:` or `data:` URL in a
payload must never run in a staff member's browser. Anything else is shown
as plain text so nothing is hidden.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from restaurants.models import Restaurant

FIELDS = [
    ("Website", "website"),
    ("Order online", "order_online"),
    ("Facebook", "facebook"),
    ("Twitter", "twitter"),
    ("Buy a gift card", "purchase_gift_card"),
    ("Gift card balance", "check_gift_card"),
]


@dataclass(frozen=True)
class WebLink:
    label: str
    text: str
    href: str | None  # None: shown, not linked


def links(restaurant: Restaurant) -> list[WebLink]:
    found = []
    for label, field in FIELDS:
        value = (getattr(restaurant, field) or "").strip()
        if value:
            found.append(WebLink(label, value, _href(field, value)))
    return found


def _href(field: str, value: str) -> str | None:
    if field == "twitter" and value.startswith("@") and value[1:].replace("_", "").isalnum():
        return f"https://twitter.com/{value[1:]}"
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else None
