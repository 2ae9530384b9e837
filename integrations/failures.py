"""Every failed platform call becomes a row staff can see and a log line support can use."""

import logging

from integrations.redaction import redact

from .models import ApiFailure

logger = logging.getLogger("integrations.failures")


def record(call, error, attempt, will_retry):
    message = redact(str(error))[:2000]
    ApiFailure.objects.create(
        method=call.method,
        endpoint=call.endpoint,
        path=call.path[:1024],
        restaurant_guid=call.restaurant_guid,
        status_code=getattr(error, "status", None),
        kind=getattr(error, "kind", type(error).__name__)[:32],
        request_id=getattr(error, "request_id", ""),
        message=message,
        attempt=attempt,
        will_retry=will_retry,
    )
    logger.warning(
        "%s (attempt %d%s, requestId=%s)",
        message,
        attempt,
        ", will retry" if will_retry else "",
        getattr(error, "request_id", "") or "-",
    )
