"""What a partner event applied to a connection leaves behind: a timeline entry, the
contact who connected the restaurant, and the stage its facts now say."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from restaurants import stages, timeline
from restaurants.models import Contact

SUMMARIES = {
    "added": "The restaurant connected the integration.",
    "reactivated": "The restaurant connected the integration again.",
    "updated": "The platform's partner record changed.",
    "removed": "The restaurant removed the integration.",
}


def applied(guid: Any, kind: str, *, fields: Iterable[str] = (), contact_email: str = "") -> None:
    """Records partner event `kind` (lifecycle's added, reactivated, updated, removed)."""
    changed = sorted(fields)
    summary = SUMMARIES.get(kind, f"Partner event: {kind}.")
    if changed:
        summary = f"{summary} Changed: {', '.join(changed)}."
    timeline.record(guid, timeline.Kind.PLATFORM, summary, action=kind, details={"fields": changed})
    if contact_email and kind != "removed":
        _keep_contact(guid, contact_email)
    stages.follow_platform([guid])


def _keep_contact(guid: Any, email: str) -> None:
    """The person the platform says connected the restaurant, once (a bad address is
    the platform's text, not a contact)."""
    try:
        validate_email(email)
    except ValidationError:
        return
    Contact.objects.get_or_create(
        restaurant_id=guid, email=email, defaults={"source": Contact.Source.PARTNER}
    )
