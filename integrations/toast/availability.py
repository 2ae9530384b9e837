"""The platform's `RestaurantAvailability`: is the restaurant accepting online orders now?

One shape, read in one place, for the API's answer
(`GET /restaurant-availability/v1/availability`, one restaurant per request,
named by `Toast-Restaurant-External-ID`) and the `details` of a
`restaurant_availability` webhook event. Both publish `restaurantGuid`,
`status` (`ONLINE` or `OFFLINE`), `reasonKey` (`AVAILABILITY_ONLINE`,
`AVAILABILITY_OFFLINE`) and `reason` (text for people).

The published material is silent on nulls and lengths; as with the partner
records, `reasonKey` and `reason` may be missing or null (read as ""). A
`status` the portal does not know is an open enum's new value: it cannot say
whether orders are taken, so it is refused with its name, and the last state
known stays.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from restaurants.values import as_uuid

ONLINE, OFFLINE = "ONLINE", "OFFLINE"
STATUSES = (ONLINE, OFFLINE)
MAX_TEXT = 1000


class AvailabilityError(ValueError):
    """An answer or event details that are not a `RestaurantAvailability`."""


@dataclass(frozen=True)
class Availability:
    restaurant_guid: str | None
    status: str
    reason_key: str
    reason: str

    @property
    def online(self) -> bool:
        return self.status == ONLINE


def read(body: Any) -> Availability:
    """The availability `body` describes, or AvailabilityError saying what is wrong."""
    if not isinstance(body, dict):
        raise AvailabilityError(f"availability is {type(body).__name__}, not an object")
    status = body.get("status")
    if not isinstance(status, str):
        raise AvailabilityError(f"status is {type(status).__name__}, not ONLINE or OFFLINE")
    if status not in STATUSES:
        raise AvailabilityError(f"status {status[:40]!r} is neither ONLINE nor OFFLINE")
    guid = body.get("restaurantGuid")
    if guid is not None and as_uuid(guid) is None:
        raise AvailabilityError(f"restaurantGuid {str(guid)[:40]!r} is not a GUID")
    return Availability(
        restaurant_guid=str(as_uuid(guid)) if guid is not None else None,
        status=status,
        reason_key=_text(body, "reasonKey"),
        reason=_text(body, "reason"),
    )


def answer_reader(guid: str) -> Callable[[Any, Mapping[str, str]], Availability]:
    """A reader of the API's answer for restaurant `guid` (the client's `expected`)."""

    def read_answer(body: Any, headers: Mapping[str, str]) -> Availability:
        availability = read(body)
        named = availability.restaurant_guid
        if named is not None and named != str(as_uuid(guid)):
            raise AvailabilityError(f"answered the availability of restaurant {named}")
        return availability

    return read_answer


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_TEXT or "\x00" in value:
        raise AvailabilityError(f"{name} {str(value)[:40]!r} is not a short text")
    return value
