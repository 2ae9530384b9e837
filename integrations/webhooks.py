"""The partners webhook: verify, store once, queue, answer 2xx in milliseconds.

As the platform asks: never a 3xx; 4xx only for what does not match the
documented format (401 for a missing or wrong signature, 400 for a malformed
body, 413 for an oversized one); a re-delivered event (same `guid`) answers
2xx and changes nothing but its delivery count and attempt number. Never a
5xx for any input: 50 failed deliveries in 5 minutes pause the subscription.
No window on the event's `timestamp`: the platform retries the same body 5
and 15 minutes later. The work happens in the queue (integrations.tasks).

The details are loosely typed (string coordinates, nulls, misspelt and new
fields): they are kept as sent, and only what the connection needs is read.
An event type the portal does not know is kept too (open enums) and shown
as not applied. `restaurant_availability` events (whether a restaurant takes
online orders) come the same way, signed the same way, and go through the
same drain (integrations/sync/availability.py applies them).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from restaurants import strict_json
from restaurants.values import as_instant, as_uuid

from . import webhook_store
from .signing import verify
from .sync import webhook_events

logger = logging.getLogger(__name__)

# The guide's body says "partner"; its header table says "partners". The
# restaurant_availability subscription may point at the same endpoint: its
# details name the restaurant in `restaurantGuid` too.
EVENT_CATEGORIES = {"partner", "partners", "restaurant_availability"}
MAX_NAME_LENGTH = 64  # WebhookEvent.event_type
MAX_ATTEMPT = 1_000


class Malformed(ValueError):
    pass


@csrf_exempt
@require_POST
def partners_webhook(request):
    declared = _declared_length(request.META.get("CONTENT_LENGTH"))
    if declared is None:
        return _answer(400, "Content-Length is not a number")
    if declared > settings.TOAST_WEBHOOK_MAX_BYTES:
        return _answer(413, "body too large")
    body = request.body
    if len(body) > settings.TOAST_WEBHOOK_MAX_BYTES:
        return _answer(413, "body too large")
    signature = request.headers.get("Toast-Signature", "")
    if not signature:
        return _answer(401, "missing Toast-Signature")
    try:
        message = _parse(body)
    except Malformed as exc:
        logger.warning("Refused a partners webhook: %s", exc)
        return _answer(400, str(exc))
    if not settings.TOAST_WEBHOOK_SECRET:
        logger.error("TOAST_WEBHOOK_SECRET is not set: partners webhooks cannot be verified")
    if not verify(settings.TOAST_WEBHOOK_SECRET, body, message["timestamp"], signature):
        logger.warning("Refused a partners webhook with a wrong signature")
        return _answer(401, "wrong signature")
    created = _store(message, _attempt(request.headers.get("Toast-Attempt-Number")))
    if created:
        transaction.on_commit(webhook_events.request_drain)
    return _answer(200, "accepted" if created else "duplicate")


def _parse(body):
    try:
        message = strict_json.loads(body)
    except (strict_json.InvalidText, strict_json.TooDeep) as exc:
        raise Malformed(str(exc)) from exc
    except ValueError as exc:
        raise Malformed("body is not JSON") from exc
    if not isinstance(message, dict):
        raise Malformed("body is not a JSON object")
    if str(message.get("eventCategory")) not in EVENT_CATEGORIES:
        raise Malformed("eventCategory must be 'partner', 'partners' or 'restaurant_availability'")
    event_type = message.get("eventType")
    if not isinstance(event_type, str) or not 0 < len(event_type) <= MAX_NAME_LENGTH:
        raise Malformed(f"eventType must be a name of 1 to {MAX_NAME_LENGTH} characters")
    if not as_instant(message.get("timestamp")):
        raise Malformed("timestamp must be an ISO 8601 time")
    details = message.get("details")
    if not isinstance(details, dict):
        raise Malformed("details must be an object")
    if strict_json.NUL_ESCAPE.encode() in body:
        path = strict_json.nul_path(message)
        if path is not None:
            raise Malformed(f"{path}: {strict_json.NUL}")
    message["_guid"] = _guid(message.get("guid"), "guid")
    message["_restaurant"] = _guid(details.get("restaurantGuid"), "details.restaurantGuid")
    return message


def _store(message, attempt):
    return webhook_store.store(
        guid=message.pop("_guid"),
        event_type=message["eventType"],
        event_category=message["eventCategory"],
        timestamp=as_instant(message["timestamp"]),
        restaurant_guid=message.pop("_restaurant"),
        payload=message,
        received_at=timezone.now(),
        attempt=attempt,
    )


def _declared_length(header: str | None) -> int | None:
    """The Content-Length as a count of bytes; None when it is not one."""
    text = (header or "0").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _attempt(header: str | None) -> int | None:
    """Toast-Attempt-Number (1 for a first delivery); None when absent or not a count."""
    text = (header or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ATTEMPT else None


def _guid(value, name):
    guid = as_uuid(value)
    if guid is None:
        raise Malformed(f"{name} must be a GUID")
    return guid


def _answer(status, message):
    return JsonResponse({"status": status, "message": message}, status=status)
