"""The onboarding work on the restaurant page: its stage, owner, next step and notes,
and the timeline that shows what happened.

Each form posts to its own view; every change goes through restaurants/stages.py
or restaurants/work.py, which write its audit record. A refused change (a
rule, a bad date, an unknown user) is a message on the page, never an error page.
"""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from portal.staff.access import staff_view
from restaurants import stages, timeline, work
from restaurants.models import Restaurant, Stage

WORK = "restaurants.work_on_restaurant"
# What the stage form offers, in the order staff read it.
ACTIONS = {
    "live": (Stage.LIVE, "Go live"),
    "review": (Stage.IN_REVIEW, "Back to review"),
    "block": (Stage.BLOCKED, "Block"),
}


def staff_users() -> QuerySet:
    """The users a restaurant can be given to: active staff, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .order_by("first_name", "last_name", "username")
    )


def context(request: HttpRequest, restaurant: Restaurant, checklist: list) -> dict:
    """What the restaurant page's work panel and timeline show (a fixed number of queries)."""
    facts = stages.facts_of(restaurant, checklist)
    return {
        "facts": facts,
        "stage_actions": _stage_actions(restaurant, facts),
        "can_unblock": restaurant.stage == Stage.BLOCKED,
        "can_work": request.user.has_perm(WORK),
        "staff_users": list(staff_users()) if request.user.has_perm(WORK) else [],
        "timeline": timeline.page(restaurant, request.GET.get("timeline_before")),
    }


def _stage_actions(restaurant: Restaurant, facts: stages.Facts) -> list[dict]:
    """Each action with whether the rules allow it now, and why not."""
    actions = []
    for key, (to, label) in ACTIONS.items():
        try:
            # A reason and an override are asked for in the form: only the rest decides here.
            stages.check(restaurant.stage, to, facts, reason="-", override=True)
        except stages.StageError as refusal:
            actions.append({"key": key, "label": label, "allowed": False, "why": str(refusal)})
        else:
            needs_override = to == Stage.LIVE and not facts.complete
            actions.append(
                {"key": key, "label": label, "allowed": True, "needs_override": needs_override}
            )
    return actions


def _restaurant(guid: uuid.UUID) -> Restaurant:
    return get_object_or_404(Restaurant.objects.select_related("connection", "owner"), pk=guid)


def _back(restaurant: Restaurant) -> HttpResponse:
    return redirect(f"{restaurant.get_absolute_url()}#work")


@staff_view(WORK)
@require_POST
def change_stage(request: HttpRequest, guid: uuid.UUID) -> HttpResponse:
    restaurant = _restaurant(guid)
    action = request.POST.get("action", "")
    try:
        if action == "unblock":
            done = stages.unblock(restaurant, by=request.user)
        elif action in ACTIONS:
            done = stages.move(
                restaurant,
                ACTIONS[action][0],
                by=request.user,
                reason=request.POST.get("reason", ""),
                override=request.POST.get("override") == "on",
            )
        else:
            raise stages.StageError("Choose what to do with the stage.")
    except stages.StageError as refusal:
        messages.error(request, f"Stage not changed: {refusal}")
    else:
        messages.success(request, f"{restaurant} is now {Stage(done.to_stage).label}.")
    return _back(restaurant)


@staff_view(WORK)
@require_POST
def change_owner(request: HttpRequest, guid: uuid.UUID) -> HttpResponse:
    restaurant = _restaurant(guid)
    chosen = request.POST.get("owner", "")
    owner = None
    if chosen == "me":
        owner = request.user
    elif chosen:
        owner = staff_users().filter(pk=chosen).first() if chosen.isdigit() else None
        if owner is None:
            messages.error(request, "Owner not changed: choose an active staff user.")
            return _back(restaurant)
    if work.set_owner(restaurant, owner, by=request.user):
        messages.success(request, f"Owner of {restaurant}: {owner or 'nobody'}.")
    return _back(restaurant)


@staff_view(WORK)
@require_POST
def change_next_step(request: HttpRequest, guid: uuid.UUID) -> HttpResponse:
    restaurant = _restaurant(guid)
    try:
        due = _date(request.POST.get("due", ""))
        changed = work.set_next_step(
            restaurant, request.POST.get("next_step", ""), due, by=request.user
        )
    except work.WorkError as refusal:
        messages.error(request, f"Next step not changed: {refusal}")
    else:
        if changed:
            messages.success(request, "Next step saved.")
    return _back(restaurant)


@staff_view(WORK)
@require_POST
def add_note(request: HttpRequest, guid: uuid.UUID) -> HttpResponse:
    restaurant = _restaurant(guid)
    try:
        work.add_note(restaurant, request.POST.get("note", ""), by=request.user)
    except work.WorkError as refusal:
        messages.error(request, f"Note not added: {refusal}")
    else:
        messages.success(request, "Note added to the timeline.")
    return _back(restaurant)


def _date(text: str) -> datetime.date | None:
    if not text.strip():
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise work.WorkError(f"{text[:20]!r} is not a date (YYYY-MM-DD).") from None
