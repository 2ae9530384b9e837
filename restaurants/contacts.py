"""Staff's changes to a restaurant's contacts, each saved with its audit record.

The person who connected the restaurant is kept from the partner record
(restaurants/connection_events.py); staff add, change and remove the others
(and may correct that one). Every change is a timeline entry (who, when,
before → after) written in the same transaction.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from restaurants import timeline
from restaurants.models import Contact, Restaurant

FIELDS = ("name", "email", "phone", "role")
MAX_TEXT = 200


class ContactError(ValueError):
    """A contact the rules do not allow; its message says why, for staff."""


def add(restaurant: Restaurant, values: dict[str, str], *, by: Any) -> Contact:
    fields = _clean(restaurant, values)
    with transaction.atomic():
        contact = Contact.objects.create(
            restaurant=restaurant, source=Contact.Source.STAFF, **fields
        )
        _record(contact, "added", f"Contact added: {contact}", by, before=None, after=fields)
    return contact


def change(contact: Contact, values: dict[str, str], *, by: Any) -> bool:
    """Saves the new values; False if nothing changed."""
    fields = _clean(contact.restaurant, values, exclude=contact.pk)
    before = _fields_of(contact)
    if before == fields:
        return False
    with transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(**fields)
        for name, value in fields.items():
            setattr(contact, name, value)
        _record(contact, "changed", f"Contact changed: {contact}", by, before=before, after=fields)
    return True


def remove(contact: Contact, *, by: Any) -> None:
    before = _fields_of(contact)
    with transaction.atomic():
        contact.delete()
        _record(contact, "removed", f"Contact removed: {contact}", by, before=before, after=None)


def _clean(restaurant: Restaurant, values: dict[str, str], exclude: int | None = None) -> dict:
    fields = {name: str(values.get(name) or "").strip() for name in FIELDS}
    if any(len(value) > MAX_TEXT for value in fields.values()):
        raise ContactError(f"Each field of a contact is at most {MAX_TEXT} characters.")
    try:
        validate_email(fields["email"])
    except ValidationError:
        raise ContactError("A contact needs a valid email address.") from None
    taken = Contact.objects.filter(restaurant=restaurant, email__iexact=fields["email"])
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ContactError(f"{fields['email']} is already a contact of this restaurant.")
    return fields


def _fields_of(contact: Contact) -> dict[str, str]:
    return {name: getattr(contact, name) for name in FIELDS}


def _record(contact: Contact, action: str, summary: str, by: Any, **change: Any) -> None:
    timeline.record(
        contact.restaurant_id, timeline.Kind.CONTACT, summary, action=action, actor=by, **change
    )
