"""The functions django-q2 workers run for outreach, by dotted path."""

from django.contrib.auth import get_user_model

from portal.outreach import reminders, status_email
from restaurants.models import Connection, Restaurant


def send_reminders() -> None:
    reminders.send_due()


def send_status_links(guids: list[str], user_id: int | None) -> None:
    """The bulk action's sends: each restaurant's link to all its contacts."""
    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    connected = Restaurant.objects.filter(
        pk__in=guids, connection__status=Connection.Status.CONNECTED
    )
    for restaurant in connected:
        status_email.send_to_contacts(restaurant, by)
