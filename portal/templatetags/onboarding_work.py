"""Template tags of the onboarding work: `{% board_card restaurant page %}` and
`{% bulk_actions %}`, the restaurant list's action bar."""

from typing import Any

from django import template

from portal.onboarding import card_html
from portal.onboarding.cards import WORK_PERMISSION, owners
from restaurants import stages
from restaurants.models import Restaurant, Stage

register = template.Library()


@register.simple_tag
def board_card(restaurant: Restaurant, page: card_html.Page) -> str:
    return card_html.card(restaurant, page)


@register.inclusion_tag("onboarding/_bulk_actions.html", takes_context=True)
def bulk_actions(context: Any) -> dict[str, Any]:
    """The bar, for users who may do the work (one query: the owners to choose from)."""
    request = context["request"]
    allowed = request.user.has_perm(WORK_PERMISSION)
    return {
        "allowed": allowed,
        "owners": list(owners()) if allowed else [],
        "staff_stages": [(stage, Stage(stage).label) for stage in stages.STAFF_STAGES],
        "can_send_links": request.user.has_perm("restaurants.add_statuslink"),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
