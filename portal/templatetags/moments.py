"""`{{ value|moment }}` and `{{ value|ago }}`: the one way staff pages write an instant.

24-hour time, the date first, the zone named (the portal's TIME_ZONE: an
instant of the platform, not the restaurant's wall clock); and how long ago
in words, where under a minute is "just now", not "0 minutes ago".
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.timesince import timesince, timeuntil

register = template.Library()

FORMAT = "Y-m-d H:i T"


@register.filter
def moment(value: datetime.datetime | None) -> str:
    if not isinstance(value, datetime.datetime):
        return ""
    return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, FORMAT)


@register.filter
def ago(value: datetime.datetime | None) -> str:
    if not isinstance(value, datetime.datetime):
        return ""
    if abs(timezone.now() - value) < datetime.timedelta(minutes=1):
        return "just now"
    if value > timezone.now():
        return f"in {timeuntil(value, depth=1)}"
    return f"{timesince(value, depth=1)} ago"
