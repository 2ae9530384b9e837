"""A restaurant's online ordering availability, from the webhook or the API, in order.

The platform's `restaurant_availability` webhook says when a restaurant stops
(or starts again) accepting online orders; its availability API answers the
same for one restaurant per request. Both land here, ordered as partner
events are (sync/lifecycle.py): a webhook record counts at its event
`timestamp` (ties by arrival), an API answer at the instant its request was
sent (it yields to a webhook of the same instant). A record that is not
later than the one applied last changes nothing and says why, so a late
older event never overrides a newer state.

Reading the API: it takes one restaurant per request and no list, so reading
every restaurant would double each refresh's requests. The webhook is the
primary source, and with no event at all a restaurant counts as online, as the
platform says. The API is read when staff ask (the restaurant page's refresh)
and, as the guide's fallback for a missed event (it suggests every ten
minutes), for the restaurants shown offline only: a missed "back online" would
keep one shown offline for good, and they are few (`reread_offline`).
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from integrations.platform import get_client
from integrations.toast import errors
from integrations.toast.availability import Availability
from integrations.toast.client import ToastClient
from restaurants import onboarding, stages, timeline
from restaurants.models import Connection, Restaurant

from .lifecycle import Moment

logger = logging.getLogger(__name__)

# Offline restaurants read again in one run at the most, those read longest ago
# first: a night of closed restaurants is spread over a few runs.
REREAD_AT_MOST = 500

Source = Restaurant.AvailabilitySource
FIELDS = (
    "availability",
    "availability_reason",
    "availability_since",
    "availability_source",
    "availability_at",
    "availability_webhook_id",
)


@dataclass(frozen=True)
class Applied:
    changed: bool  # the restaurant's availability (or its reason) is not what it was
    stale: bool
    outcome: str  # for the webhook event's row staff see


def apply(guid: str, reading: Availability, *, moment: Moment, source: str) -> Applied:
    """Records `reading` as the restaurant's availability unless a later record is held."""
    with transaction.atomic():
        Restaurant.objects.get_or_create(guid=guid)  # an event may come before partner_added
        restaurant = Restaurant.objects.select_for_update().only(*FIELDS).get(pk=guid)
        held = _held(restaurant)
        if held is not None and moment <= held:
            outcome = f"Not applied: the availability already holds the later {held.describe()}."
            logger.info("Availability of %s: stale %s", guid, moment.describe())
            return Applied(changed=False, stale=True, outcome=outcome)
        before = restaurant.availability
        reason = reading.reason or reading.reason_key
        changed = (before, restaurant.availability_reason) != (reading.status, reason)
        if before != reading.status or restaurant.availability_since is None:
            restaurant.availability_since = moment.at
        restaurant.availability = reading.status
        restaurant.availability_reason = reason
        restaurant.availability_source = source
        restaurant.availability_at = moment.at
        restaurant.availability_webhook_id = moment.webhook_id or None
        restaurant.save(update_fields=FIELDS)
        if before != reading.status:
            _record(guid, before, reading, moment, source)
    if before != reading.status:
        logger.info("Availability of %s: %s -> %s", guid, before, reading.status)
    word = "online" if reading.online else "offline"
    return Applied(
        changed, False, f"Availability {word}." if changed else "Availability unchanged."
    )


def enqueue_read(guid: str) -> None:
    """Queues a read of the restaurant's availability from the platform."""
    async_task("integrations.tasks.read_availability", str(guid))


def read_from_platform(guid: str, client: ToastClient | None = None) -> Applied | None:
    """Asks the platform for the restaurant's availability and records it; None when the
    request failed (the guard has recorded the failure: the last state known stays)."""
    sent_at = timezone.now()
    try:
        reading = (client or get_client()).restaurant_availability(guid)
    except errors.ToastError as exc:
        logger.warning("Availability of %s not read: %s", guid, exc)
        return None
    return apply(guid, reading, moment=Moment(sent_at), source=Source.API)


def reread_offline(client: ToastClient | None = None) -> int:
    """Reads the availability of the connected restaurants shown offline again; returns
    how many were asked for."""
    offline = Restaurant.objects.filter(
        availability=Restaurant.Availability.OFFLINE,
        connection__status=Connection.Status.CONNECTED,
    ).order_by("availability_at")
    guids = [str(guid) for guid in offline.values_list("guid", flat=True)[:REREAD_AT_MOST]]
    if guids:
        client = client or get_client()
    for guid in guids:
        read_from_platform(guid, client)
    return len(guids)


def _record(guid: str, before: str, reading: Availability, moment: Moment, source: str) -> None:
    """The change on the restaurant's timeline (at the platform's instant), its stored
    checklist ("taking orders") and the stage that checklist now says."""
    if reading.online:
        summary = "Taking online orders again."
    else:
        summary = "Stopped taking online orders" + (
            f": {reading.reason}" if reading.reason else "."
        )
    timeline.record(
        guid,
        timeline.Kind.AVAILABILITY,
        summary,
        action="online" if reading.online else "offline",
        before={"availability": before},
        after={"availability": reading.status},
        details={"reason": reading.reason, "reasonKey": reading.reason_key, "source": source},
        at=moment.at,
    )
    onboarding.refresh([guid])
    stages.follow_platform([guid])


def _held(restaurant: Restaurant) -> Moment | None:
    at: datetime.datetime | None = restaurant.availability_at
    if at is None:
        return None
    return Moment(at, restaurant.availability_webhook_id or 0)
