"""Staff's onboarding work on a restaurant: owner, next step, notes.

Each change is saved with its audit record (a timeline entry: who, when, what,
before → after) in one transaction, whichever page made it: the restaurant
page, a bulk action of the list, the board. Stage moves are restaurants/stages.py's.
"""

import datetime
from typing import Any

from django.db import transaction

from restaurants import timeline
from restaurants.models import Restaurant

MAX_NOTE = 5000


class WorkError(ValueError):
    """A change the rules do not allow; its message says why, for staff."""


def _user_label(user: Any) -> str:
    if user is None:
        return "nobody"
    return user.get_full_name() or user.get_username()


def set_owner(restaurant: Restaurant, owner: Any, *, by: Any) -> bool:
    """Makes `owner` (a user, or None) the restaurant's owner; False if it already was."""
    if restaurant.owner_id == (owner.pk if owner else None):
        return False
    before = restaurant.owner
    with transaction.atomic():
        Restaurant.objects.filter(pk=restaurant.pk).update(owner=owner)
        timeline.record(
            restaurant.pk,
            timeline.Kind.OWNER,
            f"Owner: {_user_label(before)} → {_user_label(owner)}",
            action="assigned" if owner else "unassigned",
            actor=by,
            before={"owner": _user_label(before) if before else None},
            after={"owner": _user_label(owner) if owner else None},
        )
    restaurant.owner = owner
    return True


def set_next_step(restaurant: Restaurant, text: str, due: datetime.date | None, *, by: Any) -> bool:
    """Sets (or, with an empty text, clears) the next step and its due date."""
    text = text.strip()
    if not text and due is not None:
        raise WorkError("A due date needs a next step.")
    if len(text) > MAX_NOTE:
        raise WorkError(f"A next step is at most {MAX_NOTE} characters.")
    before = {"next_step": restaurant.next_step, "due": _iso(restaurant.next_step_due)}
    after = {"next_step": text, "due": _iso(due)}
    if before == after:
        return False
    summary = f"Next step: {text}" + (f" (due {due:%Y-%m-%d})" if due else "")
    with transaction.atomic():
        Restaurant.objects.filter(pk=restaurant.pk).update(next_step=text, next_step_due=due)
        timeline.record(
            restaurant.pk,
            timeline.Kind.NEXT_STEP,
            summary if text else "Next step cleared",
            action="set" if text else "cleared",
            actor=by,
            before=before,
            after=after,
        )
    restaurant.next_step, restaurant.next_step_due = text, due
    return True


def add_note(restaurant: Restaurant, text: str, *, by: Any) -> None:
    text = text.strip()
    if not text:
        raise WorkError("A note needs some text.")
    if len(text) > MAX_NOTE:
        raise WorkError(f"A note is at most {MAX_NOTE} characters.")
    timeline.record(restaurant.pk, timeline.Kind.NOTE, text, action="added", actor=by)


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None
