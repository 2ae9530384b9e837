"""Delivering events: an email per user who asked for them, and the chat webhook.

Each delivery is tried `NOTIFY_ATTEMPTS` times with a doubling wait (a mail
server or the chat service down for a moment loses nothing); a refusal that
trying again cannot fix (a 4xx from the webhook) is not retried. The webhook's
URL is a credential: it is never logged.
"""

import logging
import time
from collections.abc import Callable, Sequence
from email.utils import formataddr

import requests
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from portal.models import NotificationPreference
from portal.notifications.events import Event
from portal.outreach.status_email import absolute

logger = logging.getLogger(__name__)


class Permanent(Exception):
    """A failure that trying again would only repeat."""


class Transient(Exception):
    """A failure worth another try (a 5xx or a 429 from the webhook)."""


def with_retries(what: str, deliver: Callable[[], object]) -> bool:
    """Runs `deliver` until it succeeds, at most NOTIFY_ATTEMPTS times; True if it did."""
    wait = settings.NOTIFY_BACKOFF_SECONDS
    for attempt in range(1, settings.NOTIFY_ATTEMPTS + 1):
        try:
            deliver()
            return True
        except Permanent as exc:
            logger.error("Notification %s refused: %s", what, exc)
            return False
        except (OSError, Transient) as exc:  # SMTP's and requests' errors are OSErrors
            logger.warning("Notification %s failed (attempt %d): %s", what, attempt, exc)
        if attempt < settings.NOTIFY_ATTEMPTS:
            time.sleep(wait)
            wait *= 2
    logger.error("Notification %s given up after %d attempts", what, settings.NOTIFY_ATTEMPTS)
    return False


def recipients(delivery: str) -> list[NotificationPreference]:
    """The preferences of active staff users with an address who chose `delivery`."""
    return list(
        NotificationPreference.objects.filter(
            delivery=delivery, user__is_active=True, user__is_staff=True
        )
        .exclude(user__email="")
        .select_related("user")
    )


def wanted(preference: NotificationPreference, events: Sequence[Event]) -> list[Event]:
    return [event for event in events if preference.wants(event.category)]


def email(preference: NotificationPreference, events: Sequence[Event], *, digest: bool) -> bool:
    user = preference.user
    if not user.has_perm("restaurants.view_restaurant"):
        return False  # staff without a group see no restaurant: they hear of none either
    message = _message(user.email, events, digest)
    return with_retries(f"email to user #{user.pk}", message.send)


def chat(events: Sequence[Event]) -> bool:
    """Posts the events to NOTIFY_WEBHOOK_URL (Slack's {"text": ...}), if one is set."""
    url = settings.NOTIFY_WEBHOOK_URL
    if not url or not events:
        return False
    text = "\n".join(_chat_line(event) for event in events)
    return with_retries("to the chat webhook", lambda: _post(url, {"text": text}))


def mrkdwn(text: str) -> str:
    """Slack's escaping: &, < and > are its control characters (a hostile name cannot
    make a link, a mention of @channel or a bold line of its own)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chat_line(event: Event) -> str:
    subject = mrkdwn(" ".join(event.subject.split()))
    return f"*{event.title}*: <{absolute(event.path)}|{subject}>"


def _post(url: str, body: dict) -> None:
    response = requests.post(url, json=body, timeout=settings.NOTIFY_TIMEOUT_SECONDS)
    if response.status_code == 429 or response.status_code >= 500:
        raise Transient(f"the chat webhook answered {response.status_code}")
    if response.status_code >= 400:
        raise Permanent(f"the chat webhook answered {response.status_code}")


def _message(to: str, events: Sequence[Event], digest: bool) -> EmailMultiAlternatives:
    context = {
        "events": [(event, absolute(event.path)) for event in events],
        "digest": digest,
        "dashboard": absolute("/"),
        "preferences": absolute("/notifications/"),
    }
    first = " ".join(events[0].subject.split())
    subject = (
        f"Daily digest: {len(events)} event{'s' if len(events) != 1 else ''}"
        if digest
        else f"{events[0].title}: {first}" + (f" and {len(events) - 1} more" if events[1:] else "")
    )
    message = EmailMultiAlternatives(
        subject=f"[{settings.PORTAL_NAME}] {subject}"[:200],
        body=render_to_string("email/notification.txt", context),
        from_email=formataddr((settings.PORTAL_NAME, settings.DEFAULT_FROM_EMAIL)),
        to=[to],
    )
    message.attach_alternative(render_to_string("email/notification.html", context), "text/html")
    return message
