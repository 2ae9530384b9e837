"""What staff call each field of the platform's payload: the restaurant page's words.

The change history names a changed field by its label (the dotted payload
path stays on hover), so staff read the same words there as in the panels.
A path with no label (a field the portal does not store) is shown as it is.
"""

import re

from restaurants import payments, prep_times
from restaurants.models import WEEKDAYS
from restaurants.restaurant_info import FIELDS

# The links panel's labels, in its order (portal/staff/web_links.py shows them).
URLS = {
    "website": "Website",
    "order_online": "Order online",
    "facebook": "Facebook",
    "twitter": "Twitter",
    "purchase_gift_card": "Buy a gift card",
    "check_gift_card": "Gift card balance",
}

ATTRIBUTES = {
    "name": "Name",
    "location_name": "Location name",
    "location_code": "Location code",
    "description": "Description",
    "time_zone": "Time zone",
    "closeout_hour": "Closeout hour",
    "management_group_guid": "Management group",
    "currency_code": "Currency",
    "first_business_date": "First business date",
    "archived": "Archived",
    "address1": "Address",
    "address2": "Address, second line",
    "city": "City",
    "state_code": "State",
    "administrative_area": "State or region",
    "zip_code": "ZIP or postal code",
    "country": "Country",
    "phone": "Phone",
    "phone_country_code": "Phone country code",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "delivery_enabled": "Delivery",
    "delivery_minimum": "Delivery minimum order",
    "delivery_area": "Delivery area",
    "online_ordering_enabled": "Online ordering",
    "online_ordering_scheduling": "Scheduled orders",
    "special_requests": "Special requests",
    "special_requests_message": "Special requests message",
    "cc_tip": "Card tips",
    **URLS,
    **{
        f"{kind}_{method}": f"{order_type} payment · {label}"
        for order_type, kind in payments.ORDER_TYPES
        for label, method in payments.METHODS
    },
    **{
        f"{kind}_{column}": f"{order_type} · {label}"
        for order_type, kind in payments.ORDER_TYPES
        for label, column in prep_times.COLUMNS
    },
    **{f"week_{day}": f"Weekly schedule · {day.capitalize()}" for day in WEEKDAYS},
}

# A whole section or object added or dropped at once.
SECTIONS = {
    "general": "General",
    "location": "Address and phone",
    "urls": "Links",
    "delivery": "Delivery",
    "onlineOrdering": "Online ordering",
    "onlineOrdering.paymentOptions": "Payment options",
    "onlineOrdering.paymentOptions.delivery": "Delivery payment",
    "onlineOrdering.paymentOptions.takeout": "Takeout payment",
    "prepTimes": "Prep times",
    "schedules": "Weekly schedule",
    "schedules.weekSchedule": "Weekly schedule",
    "schedules.daySchedules": "Day schedules",
}

BY_PATH = {".".join(path): ATTRIBUTES[attribute] for path, attribute, _ in FIELDS} | SECTIONS

DAY_SCHEDULE = {"scheduleName": "name", "openTime": "opens", "closeTime": "closes"}
SERVICE = {
    "name": "name",
    "hours": "hours",
    "hours.startTime": "starts",
    "hours.endTime": "ends",
    "overnight": "overnight",
}
# A day schedule's key is the platform's text and may hold dots: the known
# endings are matched from the right, the key is what is left.
_DAY_SCHEDULE_PATH = re.compile(
    r"schedules\.daySchedules\.(?P<key>.+?)"
    r"(?:\.(?P<field>scheduleName|openTime|closeTime)"
    r"|\.services(?:\[(?P<index>\d+)\]"
    r"(?:\.(?P<service_field>name|overnight|hours(?:\.startTime|\.endTime)?))?)?)?"
)


def label(path: str) -> str:
    """The label of a dotted payload path, or the path itself when it has none."""
    if path in BY_PATH:
        return BY_PATH[path]
    match = _DAY_SCHEDULE_PATH.fullmatch(path)
    if match is None:
        return path
    parts = [f"Day schedule “{match['key']}”"]
    if match["field"]:
        parts.append(DAY_SCHEDULE[match["field"]])
    elif match["index"] is not None:
        parts.append(f"service {int(match['index']) + 1}")
        if match["service_field"]:
            parts.append(SERVICE[match["service_field"]])
    elif path.endswith(".services"):
        parts.append("services")
    return " · ".join(parts)
