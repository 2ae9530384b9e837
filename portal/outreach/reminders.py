"""The automatic reminders: the status link again, to every contact of each
restaurant restaurants/reminders.py says is due (a django-q2 schedule runs it)."""

import datetime
import logging

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from portal.outreach.status_email import send_status_link
from restaurants import reminders
from restaurants.models import Contact, Restaurant, StatusLink

logger = logging.getLogger(__name__)


def send_due(now: datetime.datetime | None = None) -> int:
    """Sends every due reminder; how many were sent."""
    now = now or timezone.now()
    sent = 0
    for restaurant in reminders.due(now).prefetch_related(
        Prefetch("contacts", Contact.objects.order_by("pk"))
    ):
        emails = [contact.email for contact in restaurant.contacts.all()]
        if not emails:
            continue  # nobody to remind yet: the partner record may bring someone
        if not reminders.claim(restaurant, now):
            continue
        link = _reusable_link(restaurant, now)
        sent += send_status_link(restaurant, emails, by=None, link=link, reminder=True, now=now)
    if sent:
        logger.info("Sent %d onboarding reminders", sent)
    return sent


def _reusable_link(restaurant: Restaurant, now: datetime.datetime) -> StatusLink | None:
    """The newest active link that outlives the next reminder, so reminders do not
    make a new link each time (None: a new one is made)."""
    lasts = now + datetime.timedelta(days=settings.REMINDER_EVERY_DAYS)
    return (
        StatusLink.objects.active(now).filter(restaurant=restaurant, expires_at__gt=lasts).first()
    )
