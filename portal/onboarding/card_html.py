"""A board card's HTML, written with format_html rather than a template.

The board draws up to 140 cards at once (more with "Show more"); as a
template include each card cost about 1.7 ms, the whole board 2.4 times the
staff list. Like the admin's change-list rows (`items_for_result`), the card
is built here: every value passes through format_html, which escapes it.
"""

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from restaurants.models import Restaurant


@dataclass(frozen=True)
class Page:
    """What every card of a page shares."""

    total: int
    can_move: bool
    move_url: str
    stage_options: SafeString
    back_url: str
    csrf_token: str


def card(restaurant: Restaurant, page: Page) -> SafeString:
    overdue = restaurant.overdue
    return format_html(
        '<li class="board-card{}" id="card-{}" data-guid="{}" data-stage="{}"{}>'
        '<a class="card-name" href="{}">{}</a>'
        '<div class="meta">{}</div>'
        '<div class="card-facts"><span title="Owner">{}</span>'
        "<span>{} d in stage</span><span>Checklist {}/{}</span></div>"
        '<div class="card-step">{}</div>{}</li>',
        " overdue" if overdue else "",
        restaurant.guid,
        restaurant.guid,
        restaurant.stage,
        mark_safe(' draggable="true"') if page.can_move else "",
        restaurant.get_absolute_url(),
        restaurant.name or restaurant.guid,
        _location(restaurant),
        _owner(restaurant),
        restaurant.days_in_stage,
        restaurant.onboarding_done,
        page.total,
        _next_step(restaurant, overdue),
        _move_form(restaurant, page) if page.can_move else "",
    )


def _location(restaurant: Restaurant) -> str:
    place = restaurant.location_name or restaurant.city or "—"
    if restaurant.city and restaurant.location_name:
        place = f"{place} · {restaurant.city}"
    return f"{place}, {restaurant.state_code}" if restaurant.state_code else place


def _owner(restaurant: Restaurant) -> SafeString:
    owner = restaurant.owner
    if owner is None:
        return mark_safe('<span class="meta">Unassigned</span>')
    return format_html("{}", owner.get_full_name() or owner.get_username())


def _next_step(restaurant: Restaurant, overdue: bool) -> SafeString:
    if not restaurant.next_step:
        return mark_safe('<span class="meta">No next step</span>')
    due = restaurant.next_step_due
    return format_html(
        "{}{}{}",
        mark_safe('<span class="badge bad overdue-badge">⚠ Overdue</span> ') if overdue else "",
        restaurant.next_step,
        format_html(' <span class="meta">due {}</span>', due.isoformat()) if due else "",
    )


def _move_form(restaurant: Restaurant, page: Page) -> SafeString:
    return format_html(
        '<details class="move"><summary>Move</summary>'
        '<form method="post" action="{}" class="move-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="guid" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<label>To <select name="to">{}</select></label>'
        '<label>Reason <input name="reason" maxlength="2000" '
        'placeholder="For Blocked or an override"></label>'
        '<label class="check"><input type="checkbox" name="override" value="yes"> '
        "Go live with the checklist incomplete</label>"
        "<button>Move</button></form></details>"
        '<p class="move-error error" role="alert" hidden></p>',
        page.move_url,
        page.csrf_token,
        restaurant.guid,
        page.back_url,
        page.stage_options,
    )
