"""The onboarding pages: the board, a column's further cards, "My restaurants", and the
board's move and the list's bulk actions (both need restaurants.work_on_restaurant).

Each page runs a fixed number of queries whatever the number of restaurants.
"""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from portal.onboarding import board as board_data
from portal.onboarding import bulk as bulk_actions
from portal.onboarding import card_html
from portal.onboarding.cards import WORK_PERMISSION, in_order, ordered, owners
from portal.staff.access import staff_view
from restaurants import onboarding, stages
from restaurants.models import Restaurant, Stage
from restaurants.values import as_uuid

VIEW_PERMISSION = "restaurants.view_restaurant"
MINE_PAGE_SIZE = 50
MAX_REASON = 2000
MAX_OFFSET = 10_000_000  # beyond any column; a bigger number would overflow the database's


@staff_view(VIEW_PERMISSION)
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    queryset = board_data.filtered(request.GET, request.user)
    return render(
        request,
        "onboarding/board.html",
        {
            "columns": board_data.columns(queryset),
            "choices": board_data.choices(),
            "filters": request.GET,
            "filter_params": board_data.filter_params(request.GET),
            **_card_context(request),
        },
    )


@staff_view(VIEW_PERMISSION)
@require_GET
def column(request: HttpRequest, stage: str) -> HttpResponse:
    """A column's cards from `offset`: a page of its own, or (`fragment=1`) the cards
    alone, which the board's "more" link appends."""
    if stage not in Stage.values:
        raise Http404("No such stage.")
    offset = min(max(_int(request.GET.get("offset"), board_data.CARDS_PER_COLUMN), 0), MAX_OFFSET)
    queryset = board_data.filtered(request.GET, request.user)
    found, count = board_data.cards(queryset, stage, offset)
    following = offset + len(found)
    template = "onboarding/_more.html" if request.GET.get("fragment") else "onboarding/column.html"
    return render(
        request,
        template,
        {
            "stage": stage,
            "label": Stage(stage).label,
            "cards": found,
            "count": count,
            "offset": offset,
            "shown_to": following,
            "following": following if following < count else None,
            "left": max(count - following, 0),
            "filter_params": board_data.filter_params(request.GET),
            **_card_context(request),
        },
    )


@staff_view(WORK_PERMISSION)
@require_POST
def move(request: HttpRequest) -> HttpResponse:
    """Moves one card to another stage, as stages.check allows; says why it refused."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    restaurant = get_object_or_404(
        Restaurant.objects.select_related("connection"), pk=_uuid_or_404(request.POST.get("guid"))
    )
    to = request.POST.get("to", "")
    reason = request.POST.get("reason", "")[:MAX_REASON]
    from_stage = restaurant.stage
    try:
        if to not in Stage.values:
            raise stages.StageError("Choose a stage to move the restaurant to.")
        stages.move(
            restaurant,
            to,
            by=request.user,
            reason=reason,
            override=bool(request.POST.get("override")),
        )
    except stages.StageError as refusal:
        if wants_json:
            # 200: a refusal is an answer, not a failed request (a browser logs
            # every 4xx of a fetch as a console error).
            return JsonResponse({"ok": False, "error": str(refusal)})
        messages.error(request, f"{restaurant} was not moved: {refusal}")
    else:
        said = f"{restaurant}: {Stage(from_stage).label} → {Stage(to).label}."
        if wants_json:
            return JsonResponse({"ok": True, "stage": to, "message": said})
        messages.success(request, said)
    return _back(request, reverse("onboarding-board"))


@staff_view(VIEW_PERMISSION)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """What the signed-in user owns, overdue next steps first, then the soonest due."""
    owned = ordered(Restaurant.objects.filter(owner_id=request.user.pk), "name")
    page = Paginator(owned, MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = in_order(list(page.object_list))
    return render(
        request,
        "onboarding/mine.html",
        {"page": page, "total": onboarding.TOTAL},
    )


@staff_view(WORK_PERMISSION)
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """One of the list's bulk actions on the ticked restaurants; a message per refusal."""
    back = _back(request, reverse("restaurant-list"))
    guids = request.POST.getlist("guid")
    if not guids:
        messages.error(request, "Tick the restaurants to change first.")
        return back
    if len(guids) > bulk_actions.MAX_SELECTED:
        messages.error(request, f"At most {bulk_actions.MAX_SELECTED} restaurants at once.")
        return back
    restaurants = bulk_actions.selected(guids)
    if not restaurants:
        messages.error(request, "None of the ticked restaurants exists any more.")
        return back
    action = request.POST.get("action")
    if action == "owner":
        outcomes = _bulk_owner(request, restaurants)
    elif action == "stage":
        outcomes = _bulk_stage(request, restaurants)
    elif action == "links" and request.user.has_perm("restaurants.add_statuslink"):
        outcomes = bulk_actions.send_status_links(restaurants, by=request.user)
    else:
        messages.error(request, "Choose an action.")
        return back
    if outcomes is not None:
        _report(request, action, outcomes)
    return back


def _bulk_owner(
    request: HttpRequest, restaurants: list[Restaurant]
) -> list[bulk_actions.Outcome] | None:
    value = request.POST.get("owner", "")
    if value == "none":
        owner = None
    else:
        owner = owners().filter(pk=_int(value, 0)).first()
        if owner is None:
            messages.error(request, "Choose an owner (or nobody).")
            return None
    return bulk_actions.assign_owner(restaurants, owner, by=request.user)


def _bulk_stage(
    request: HttpRequest, restaurants: list[Restaurant]
) -> list[bulk_actions.Outcome] | None:
    to = request.POST.get("to", "")
    if to not in stages.STAFF_STAGES:
        messages.error(request, "Choose a stage to set.")
        return None
    return bulk_actions.set_stage(
        restaurants,
        to,
        by=request.user,
        reason=request.POST.get("reason", "")[:MAX_REASON],
        override=bool(request.POST.get("override")),
    )


ACTION_DONE = {"owner": "Owner set", "stage": "Stage set", "links": "Status link email queued"}


def _report(request: HttpRequest, action: str, outcomes: list[bulk_actions.Outcome]) -> None:
    done = [outcome for outcome in outcomes if outcome.done]
    if done:
        messages.success(request, f"{ACTION_DONE[action]} for {len(done)} of {len(outcomes)}.")
    for outcome in outcomes:
        if not outcome.done:
            messages.warning(request, f"{outcome.restaurant}: {outcome.message}")


def _card_context(request: HttpRequest) -> dict:
    """What every card shares, built once per page."""
    return {
        "card_page": card_html.Page(
            total=onboarding.TOTAL,
            can_move=request.user.has_perm(WORK_PERMISSION),
            move_url=reverse("onboarding-move"),
            stage_options=format_html_join(
                "",
                '<option value="{}">{}</option>',
                ((stage, Stage(stage).label) for stage in stages.STAFF_STAGES),
            ),
            back_url=request.get_full_path(),
            csrf_token=get_token(request),
        ),
    }


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """To the page the form was on (`next`), else to `default`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _uuid_or_404(value: str | None) -> uuid.UUID:
    parsed = as_uuid(value)
    if parsed is None:
        raise Http404("No such restaurant.")
    return parsed


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default
