"""What a partner event applied to a connection leaves behind: a timeline entry, the
contact who connected the restaurant, and the stage its facts now say."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from restaurants import onboarding, stages, timeline
from restaurants.models import Contact

SUMMARIES = {
    "added": "The restaurant connected the integration.",
    "reactivated": "The restaurant connected the integration again.",
    "updated": "The platform's partner record changed.",
    "removed": "The restaurant removed the integration.",
}


@dataclass(frozen=True)
class Applied:
    """Partner event `kind` (lifecycle's added, reactivated, updated, removed) applied to
    restaurant `guid`: the fields it changed, the contact it names."""

    guid: Any
    kind: str
    fields: tuple[str, ...] = ()
    contact_email: str = ""


def applied_many(events: Sequence[Applied]) -> None:
    """Records each of `events`, in a few statements whatever their number (a first
    discovery applies 150,000)."""
    if not events:
        return
    entries = []
    for event in events:
        changed = sorted(event.fields)
        summary = SUMMARIES.get(event.kind, f"Partner event: {event.kind}.")
        if changed:
            summary = f"{summary} Changed: {', '.join(changed)}."
        entries.append(
            timeline.entry_for(
                event.guid,
                timeline.Kind.PLATFORM,
                summary,
                action=event.kind,
                details={"fields": changed},
            )
        )
    timeline.record_many(entries)
    _keep_contacts([e for e in events if e.contact_email and e.kind != "removed"])
    guids = [event.guid for event in events]
    onboarding.refresh(guids)  # connected or removed: two of the checklist's items
    stages.follow_platform(guids)


def _keep_contacts(events: Sequence[Applied]) -> None:
    """The person the platform says connected the restaurant, once (a bad address is
    the platform's text, not a contact)."""
    contacts = []
    for event in events:
        try:
            validate_email(event.contact_email)
        except ValidationError:
            continue
        contacts.append(
            Contact(
                restaurant_id=event.guid, email=event.contact_email, source=Contact.Source.PARTNER
            )
        )
    # One contact a restaurant and address (unique_contact_email): a stored one stays.
    Contact.objects.bulk_create(contacts, ignore_conflicts=True)
