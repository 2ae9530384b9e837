"""The restaurant list's bulk actions: assign an owner, set a stage, send status links.

Each action goes restaurant by restaurant through the same code as the
restaurant page (restaurants/work.py, restaurants/stages.py,
portal/outreach for the links' emails), so each change writes its own audit entry, and
reports per restaurant what it did or why it was refused.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from portal.outreach import status_email
from restaurants import stages, work
from restaurants.models import Restaurant
from restaurants.values import as_uuid

MAX_SELECTED = 500  # ten pages of the list; a bigger selection is refused, not cut


@dataclass(frozen=True)
class Outcome:
    restaurant: Restaurant
    done: bool
    message: str


def selected(guids: Iterable[str]) -> list[Restaurant]:
    """The restaurants these GUIDs name (others are ignored), with what the actions
    read: connection and owner, in one query."""
    parsed = {g for g in map(as_uuid, guids) if g is not None}
    queryset = Restaurant.objects.filter(pk__in=parsed).select_related("connection", "owner")
    return list(queryset.order_by("name", "guid"))


def assign_owner(restaurants: Sequence[Restaurant], owner: Any, *, by: Any) -> list[Outcome]:
    """Gives every restaurant to `owner` (None: nobody)."""
    outcomes = []
    for restaurant in restaurants:
        changed = work.set_owner(restaurant, owner, by=by)
        outcomes.append(Outcome(restaurant, changed, "" if changed else "Already its owner."))
    return outcomes


def set_stage(
    restaurants: Sequence[Restaurant],
    to: str,
    *,
    by: Any,
    reason: str = "",
    override: bool = False,
) -> list[Outcome]:
    """Moves every restaurant to `to` where stages.check allows; says why where not."""
    outcomes = []
    for restaurant in restaurants:
        try:
            stages.move(
                restaurant,
                to,
                by=by,
                reason=reason,
                override=override,
                facts=stages.facts_of(restaurant),
            )
        except stages.StageError as refusal:
            outcomes.append(Outcome(restaurant, False, str(refusal)))
        else:
            outcomes.append(Outcome(restaurant, True, ""))
    return outcomes


def send_status_links(restaurants: Sequence[Restaurant], *, by: Any) -> list[Outcome]:
    """Emails each connected restaurant a new status link, to all its contacts, from
    the queue (portal/outreach: every send and failure is on its timeline); a
    restaurant that is not connected has nothing to follow and gets none."""
    outcomes, sending = [], []
    for restaurant in restaurants:
        if restaurant.is_connected():
            sending.append(restaurant)
            outcomes.append(Outcome(restaurant, True, ""))
        else:
            why = "it is not connected: no link sent."
            outcomes.append(Outcome(restaurant, False, f"{restaurant.get_stage_display()}, {why}"))
    status_email.send_status_links(sending, by)
    return outcomes
