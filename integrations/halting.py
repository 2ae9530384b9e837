"""The halting mechanism: a request that keeps failing the same way is stopped.

After `TOAST_HALT_THRESHOLD` failed calls (each after its own retries) of the
same method + endpoint + restaurant with the same failure signature, the
request is halted: it is not sent again until a person resumes it from the
admin, and an alert is raised (alerts.py).
"""

import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from integrations.redaction import redact

from . import alerts
from .models import RequestHalt

logger = logging.getLogger("integrations.halting")


def key_for(call):
    text = f"{call.method} {call.endpoint} {call.restaurant_guid or ''}"
    return hashlib.sha256(text.encode()).hexdigest()


def record_failure(call, error):
    """Counts one failed call; halts it at the threshold. Returns the halt row."""
    signature = getattr(error, "signature", type(error).__name__)[:255]
    now = timezone.now()
    with transaction.atomic():
        halt, _ = RequestHalt.objects.select_for_update().get_or_create(
            key=key_for(call),
            defaults={
                "method": call.method,
                "endpoint": call.endpoint,
                "restaurant_guid": call.restaurant_guid,
                "signature": signature,
            },
        )
        same_way = halt.signature == signature and halt.status == RequestHalt.Status.FAILING
        halt.failure_count = halt.failure_count + 1 if same_way else 1
        halt.signature = signature
        halt.status = RequestHalt.Status.FAILING
        halt.last_message = redact(str(error))[:2000]
        halt.last_request_id = getattr(error, "request_id", "")
        halt.last_failed_at = now
        if halt.failure_count >= settings.TOAST_HALT_THRESHOLD:
            halt.status = RequestHalt.Status.HALTED
            halt.halted_at = now
        halt.save()
    if halt.status == RequestHalt.Status.HALTED:
        _raise_alert(halt)
    return halt


def clear(key):
    """A success forgets the failure history (a halted request stays halted)."""
    RequestHalt.objects.filter(key=key).exclude(status=RequestHalt.Status.HALTED).delete()


def resume(halt, user):
    """A person decided the request may be sent again."""
    halt.status = RequestHalt.Status.RESUMED
    halt.failure_count = 0
    halt.resumed_at = timezone.now()
    halt.resumed_by = user
    halt.save(update_fields=["status", "failure_count", "resumed_at", "resumed_by"])
    alerts.settle("halt", title=_title(halt), at=halt.resumed_at, by=user)
    logger.info("Request %s resumed by %s", _title(halt), user)


def _title(halt):
    where = f" for restaurant {halt.restaurant_guid}" if halt.restaurant_guid else ""
    return f"Halted: {halt.method} {halt.endpoint}{where}"[:255]


def _raise_alert(halt):
    title = _title(halt)
    message = (
        f"The request failed {halt.failure_count} times the same way ({halt.signature}); "
        f"last error: {halt.last_message} (requestId {halt.last_request_id or '-'}). "
        "It is not sent again until someone resumes it in the admin (Request halts)."
    )
    alerts.raise_alert("halt", title, message, restaurant_guid=halt.restaurant_guid)
