"""Which happenings staff are told of, as events read from their rows.

A timeline entry is notable when it is a new connection, a removal or a checklist
item undone (a regression); every alert raised (a halted request among them) is one
too. Each event has a category, the field of NotificationPreference that asks for it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from integrations.models import Alert
from restaurants.models import Restaurant, TimelineEntry

Kind = TimelineEntry.Kind
# (kind, action) of a notable entry → its category and how staff read it.
NOTABLE: dict[tuple[str, str], tuple[str, str]] = {
    (Kind.PLATFORM, "added"): ("new_connection", "New connection"),
    (Kind.PLATFORM, "reactivated"): ("new_connection", "Connected again"),
    (Kind.PLATFORM, "removed"): ("removal", "Removed the integration"),
    (Kind.CHECKLIST, "undone"): ("regression", "Checklist regression"),
}
NOTABLE_ENTRIES = Q()
for _kind, _action in NOTABLE:
    NOTABLE_ENTRIES |= Q(kind=_kind, action=_action)


@dataclass(frozen=True)
class Event:
    category: str
    title: str  # what happened, e.g. "New connection"
    subject: str  # what it happened to: a restaurant's name, an alert's title (hostile text)
    detail: str
    path: str  # the portal page to look at
    at: datetime.datetime


def is_notable(entry: TimelineEntry) -> bool:
    return (entry.kind, entry.action) in NOTABLE


def of_entries(entries: Iterable[TimelineEntry]) -> list[Event]:
    return [_entry_event(entry) for entry in entries if is_notable(entry)]


def load(entry_ids: Iterable[int] = (), alert_ids: Iterable[int] = ()) -> list[Event]:
    """The events of these rows, oldest first, in two queries."""
    entries = TimelineEntry.objects.filter(pk__in=list(entry_ids)).select_related("restaurant")
    alerts = Alert.objects.filter(pk__in=list(alert_ids))
    return _sorted(of_entries(entries), alerts)


def since(start: datetime.datetime, end: datetime.datetime) -> list[Event]:
    """Every event of the span [start, end), oldest first, for a digest."""
    entries = TimelineEntry.objects.filter(NOTABLE_ENTRIES, at__gte=start, at__lt=end)
    alerts = Alert.objects.filter(created_at__gte=start, created_at__lt=end)
    return _sorted(of_entries(entries.select_related("restaurant")), alerts)


def _sorted(events: list[Event], alerts: Iterable[Alert]) -> list[Event]:
    events += [_alert_event(alert) for alert in alerts]
    return sorted(events, key=lambda event: event.at)


def _entry_event(entry: TimelineEntry) -> Event:
    category, title = NOTABLE[(entry.kind, entry.action)]
    restaurant: Restaurant = entry.restaurant
    return Event(
        category=category,
        title=title,
        subject=str(restaurant),
        detail=entry.summary,
        path=restaurant.get_absolute_url(),
        at=entry.at,
    )


def _alert_event(alert: Alert) -> Event:
    title = "Request halted" if alert.kind == "halt" else "Alert"
    path = (
        reverse("restaurant-detail", args=[alert.restaurant_guid])
        if alert.restaurant_guid
        else reverse("dashboard")
    )
    return Event("alert", title, alert.title, alert.message, path, alert.created_at)
