"""The status link email: an HTML + text message in the partner's name, with its
support contact, carrying a valid, recorded link.

Every send and every failure is a timeline entry (kind EMAIL); a new link is one
too (kind STATUS_LINK, written by restaurants/status_links.py). A send is one
message to the restaurant's chosen contacts.
"""

import datetime
import logging
from collections.abc import Sequence
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django_q.tasks import async_task

from restaurants import onboarding, status_links, timeline
from restaurants.models import Contact, Restaurant, StatusLink

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    """A URL of the portal for a message read outside it (no request to build it from)."""
    return f"{settings.PORTAL_URL}{path}"


def send_status_link(
    restaurant: Restaurant,
    recipients: Sequence[str],
    *,
    by: Any,
    link: StatusLink | None = None,
    reminder: bool = False,
    now: datetime.datetime | None = None,
) -> bool:
    """Emails the status link (`link`, else a new one) to `recipients`; True if sent.
    A failure is recorded, never raised: the caller goes on with the next restaurant."""
    action = "reminder" if reminder else "sent"
    if not recipients:
        summary = "Status link not sent: no contact with an email address"
        _record(restaurant, "failed", summary, by, at=now)
        return False
    link = link or status_links.create(restaurant, by, now=now)  # with its timeline entry
    message = _message(restaurant, link, list(recipients), reminder)
    to = ", ".join(recipients)
    details = {"to": list(recipients), "link": link.pk, "subject": message.subject}
    try:
        message.send()
    except (OSError, ValueError) as exc:  # SMTP's errors, a socket's, a header refused
        logger.warning("Status link email for %s failed: %s", restaurant.pk, type(exc).__name__)
        error = str(exc)[:300] or type(exc).__name__
        summary = f"Status link email to {to} failed: {error}"
        _record(restaurant, f"{action}_failed", summary, by, details, at=now)
        return False
    what = "Reminder with the status link" if reminder else "Status link"
    _record(restaurant, action, f"{what} emailed to {to}", by, details, at=now)
    return True


def send_status_links(restaurants: Sequence[Restaurant], by: Any) -> int:
    """The bulk action: each restaurant's link to all its contacts, sent from the queue
    (one task for the batch); how many restaurants were queued."""
    guids = [str(restaurant.pk) for restaurant in restaurants]
    if guids:
        async_task(
            "portal.outreach.tasks.send_status_links",
            guids,
            getattr(by, "pk", None),
            task_name=f"Send {len(guids)} status links",
        )
    return len(guids)


def send_to_contacts(restaurant: Restaurant, by: Any) -> bool:
    emails = list(Contact.objects.filter(restaurant=restaurant).values_list("email", flat=True))
    return send_status_link(restaurant, emails, by=by)


def _message(
    restaurant: Restaurant, link: StatusLink, recipients: list[str], reminder: bool
) -> EmailMultiAlternatives:
    entries = onboarding.checklist(restaurant)
    context = {
        "restaurant": restaurant,
        "name": str(restaurant),
        "url": absolute(status_links.path_for(link)),
        "expires_at": link.expires_at,
        "entries": entries,
        "todo": [entry for entry in entries if not entry.done],
        "done": sum(entry.done for entry in entries),
        "total": onboarding.TOTAL,
        "reminder": reminder,
        "PARTNER_NAME": settings.PARTNER_NAME,
        "INTEGRATION_NAME": settings.INTEGRATION_NAME,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "SUPPORT_PHONE": settings.SUPPORT_PHONE,
        "SUPPORT_URL": settings.SUPPORT_URL,
        "docs_url": absolute("/docs/"),
    }
    # The restaurant's name is the platform's text: one line, in a header.
    subject = " ".join(render_to_string("email/status_link_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject[:200],
        body=render_to_string("email/status_link.txt", context),
        from_email=formataddr((settings.PARTNER_NAME, settings.DEFAULT_FROM_EMAIL)),
        to=recipients,
        reply_to=[settings.SUPPORT_EMAIL],
    )
    message.attach_alternative(render_to_string("email/status_link.html", context), "text/html")
    return message


def _record(
    restaurant: Restaurant,
    action: str,
    summary: str,
    by: Any,
    details: dict | None = None,
    at: datetime.datetime | None = None,
) -> None:
    timeline.record(
        restaurant.pk, timeline.Kind.EMAIL, summary, action=action, actor=by, details=details, at=at
    )
