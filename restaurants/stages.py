"""What moves a restaurant from one onboarding stage to another.

The platform's facts move the early stages (`follow_platform`, after every
partner event and every stored payload):

- a restaurant with no connection (a prospect of a connected group) stays a Prospect;
- a connection makes it Connected, its first valid data Data received;
- with data received and the checklist incomplete it is In review: an
  incomplete checklist keeps it there (it moves on only by a person's decision);
- a removal moves it to Removed from any stage; connecting again brings it back
  to the stage it was removed from.

Going live is a person's decision (`move`): allowed when the checklist is
complete, or with an override and its reason; Blocked takes a reason. Staff
cannot set the stages the platform's facts decide (Prospect, Connected,
Removed). Every move is a StageChange (who, when, why) and a timeline entry.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.db.models import Case, F, Field, Value, When
from django.utils import timezone

from restaurants import milestones, onboarding, timeline
from restaurants.models import Connection, Restaurant, Stage, StageChange

PLATFORM_STAGES = (Stage.PROSPECT, Stage.CONNECTED, Stage.REMOVED)
# Stages staff may move a restaurant to, where the checks below allow.
STAFF_STAGES = (Stage.DATA_RECEIVED, Stage.IN_REVIEW, Stage.LIVE, Stage.BLOCKED)


class StageError(ValueError):
    """A move the rules do not allow; its message says why, for staff."""


@dataclass(frozen=True)
class Facts:
    """What the platform says of a restaurant, as far as its stage is concerned."""

    status: str | None  # the connection's status, None for a prospect
    has_data: bool
    complete: bool  # every checklist item done

    @property
    def connected(self) -> bool:
        return self.status == Connection.Status.CONNECTED


@dataclass(frozen=True)
class Move:
    guid: Any
    from_stage: str
    to_stage: str
    reason: str


def follow_platform(guids: Iterable[Any], *, at: datetime.datetime | None = None) -> list[Move]:
    """Moves each of these restaurants on as far as its facts say; returns the moves."""
    guids = list(guids)
    if not guids:
        return []
    rows = Restaurant.objects.filter(pk__in=guids).values_list(
        "guid", "stage", "connection__status", "content_sha256", "onboarding_done"
    )
    current = {
        guid: (stage, Facts(status, bool(sha), done == onboarding.TOTAL))
        for guid, stage, status, sha, done in rows
    }
    returning = [guid for guid, (stage, facts) in current.items() if _returns(stage, facts)]
    before_removal = _stages_before_removal(returning)
    moves = [
        move
        for guid, (stage, facts) in current.items()
        for move in _platform_path(guid, stage, facts, before_removal.get(guid))
    ]
    _apply(moves, by=None, at=at or timezone.now())
    return moves


def facts_of(restaurant: Restaurant, checklist: list | None = None) -> Facts:
    """`checklist`, when the caller has read it (onboarding.checklist), decides whether
    the checklist is complete; else the restaurant's stored `onboarding_done` does."""
    connection = restaurant.connection_or_none
    if checklist is not None:
        complete = all(entry.done for entry in checklist)
    else:
        complete = restaurant.onboarding_done == onboarding.TOTAL
    return Facts(connection.status if connection else None, restaurant.has_data, complete)


def check(stage: str, to: str, facts: Facts, *, reason: str = "", override: bool = False) -> None:
    """Raises StageError unless staff may move a restaurant in `stage` to `to`."""
    if to == stage:
        raise StageError(f"The restaurant is already {Stage(to).label}.")
    if stage == Stage.REMOVED:
        raise StageError("The restaurant removed the integration: connecting again brings it back.")
    if to not in STAFF_STAGES:
        raise StageError(f"{Stage(to).label} follows the platform's facts; it is not set by hand.")
    if to == Stage.BLOCKED:
        if not reason.strip():
            raise StageError("Say why the restaurant is blocked.")
        return
    if not (facts.connected and facts.has_data):
        raise StageError(f"{Stage(to).label} needs a connected restaurant whose data arrived.")
    if to == Stage.LIVE and not facts.complete:
        if not override:
            raise StageError("The checklist is incomplete: going live needs an override.")
        if not reason.strip():
            raise StageError("Say why the restaurant goes live with the checklist incomplete.")


def move(
    restaurant: Restaurant,
    to: str,
    *,
    by: Any,
    reason: str = "",
    override: bool = False,
    facts: Facts | None = None,
) -> Move:
    """Moves `restaurant` by a staff decision, checked by `check`; records who and why."""
    facts = facts or facts_of(restaurant)
    check(restaurant.stage, to, facts, reason=reason, override=override)
    reason = reason.strip()
    if to == Stage.LIVE and not facts.complete:
        reason = f"Override (checklist incomplete): {reason}"
    done = Move(restaurant.pk, restaurant.stage, to, reason)
    _apply([done], by=by, at=timezone.now())
    restaurant.stage, restaurant.stage_reason = to, _kept_reason(to, reason)
    return done


def unblock(restaurant: Restaurant, *, by: Any, facts: Facts | None = None) -> Move:
    """Takes a blocked restaurant back to where its facts say (staff may not set
    those stages by hand, but an unblock only undoes their own block)."""
    if restaurant.stage != Stage.BLOCKED:
        raise StageError("The restaurant is not blocked.")
    facts = facts or facts_of(restaurant)
    path = _platform_path(restaurant.pk, Stage.PROSPECT, facts, None)
    to = path[-1].to_stage if path else Stage.PROSPECT
    done = Move(restaurant.pk, Stage.BLOCKED, to, "Unblocked.")
    _apply([done], by=by, at=timezone.now())
    restaurant.stage, restaurant.stage_reason = to, ""
    return done


def _returns(stage: str, facts: Facts) -> bool:
    return stage == Stage.REMOVED and facts.connected


def _platform_path(guid: Any, stage: str, facts: Facts, before_removal: str | None) -> list[Move]:
    if facts.status == Connection.Status.REMOVED:
        if stage == Stage.REMOVED:
            return []
        return [Move(guid, stage, Stage.REMOVED, "The restaurant removed the integration.")]
    if not facts.connected:
        return []
    steps: list[Move] = []

    def step(to: str, reason: str) -> None:
        steps.append(Move(guid, steps[-1].to_stage if steps else stage, to, reason))

    if stage == Stage.REMOVED:
        back = before_removal or Stage.CONNECTED
        step(back, f"Connected the integration again: back to {Stage(back).label}.")
    here = steps[-1].to_stage if steps else stage
    if here == Stage.PROSPECT:
        step(Stage.CONNECTED, "The restaurant connected the integration.")
        here = Stage.CONNECTED
    if here == Stage.CONNECTED and facts.has_data:
        step(Stage.DATA_RECEIVED, "The restaurant's first valid data arrived.")
        here = Stage.DATA_RECEIVED
    if here == Stage.DATA_RECEIVED and not facts.complete:
        step(Stage.IN_REVIEW, "The onboarding checklist is incomplete.")
    return steps


def _stages_before_removal(guids: list[Any]) -> dict[Any, str]:
    """Each restaurant's stage before its latest removal."""
    if not guids:
        return {}
    found: dict[Any, str] = {}
    removals = StageChange.objects.filter(restaurant_id__in=guids, to_stage=Stage.REMOVED)
    for guid, from_stage in removals.order_by("at", "id").values_list(
        "restaurant_id", "from_stage"
    ):
        found[guid] = from_stage  # the latest wins
    return {guid: stage for guid, stage in found.items() if stage and stage != Stage.REMOVED}


def _kept_reason(to: str, reason: str) -> str:
    """The restaurant shows the reason of a block or an override, not of other moves."""
    return reason if to in (Stage.BLOCKED, Stage.LIVE) else ""


def _apply(moves: list[Move], *, by: Any, at: datetime.datetime) -> None:
    if not moves:
        return
    final: dict[tuple[str, str], list[Any]] = {}
    for done in {done.guid: done for done in moves}.values():  # the last move of each
        kept = _kept_reason(done.to_stage, done.reason)
        final.setdefault((done.to_stage, kept), []).append(done.guid)

    def of_each(value: Callable[[str, str], str], field: str) -> Case:
        groups = (When(pk__in=guids, then=Value(value(*key))) for key, guids in final.items())
        column = cast(Field, Restaurant._meta.get_field(field))
        return Case(*groups, default=F(field), output_field=column)

    with transaction.atomic():
        # One UPDATE: the stages, their reasons and the milestones (each statement
        # wrote the moved rows again, with the restaurant's 28 index entries).
        Restaurant.objects.filter(
            pk__in=[guid for guids in final.values() for guid in guids]
        ).update(
            stage=of_each(lambda stage, kept: stage, "stage"),
            stage_since=at,
            stage_reason=of_each(lambda stage, kept: kept, "stage_reason"),
            **milestones.assignments(((done.guid, done.to_stage) for done in moves), at),
        )
        user = by if getattr(by, "is_authenticated", False) else None
        StageChange.objects.bulk_create(
            StageChange(
                restaurant_id=done.guid,
                from_stage=done.from_stage,
                to_stage=done.to_stage,
                at=at,
                by=user,
                reason=done.reason,
            )
            for done in moves
        )
        timeline.record_many([_entry(done, user, at) for done in moves])


def _entry(done: Move, by: Any, at: datetime.datetime) -> Any:
    summary = f"Stage: {Stage(done.from_stage).label} → {Stage(done.to_stage).label}"
    return timeline.entry_for(
        done.guid,
        timeline.Kind.STAGE,
        f"{summary}. {done.reason}" if done.reason else summary,
        action=done.to_stage,
        actor=by,
        before={"stage": done.from_stage},
        after={"stage": done.to_stage},
        details={"reason": done.reason},
        at=at,
    )
