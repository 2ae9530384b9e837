"""What a board card or a "My restaurants" row shows, read for a page of restaurants at once.

A page first sorts GUIDs alone (`ordered`), then reads its few restaurants
whole (`cards_of`): sorting whole rows, payload columns and all, cost more
than everything else on the board.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet

from restaurants.models import Restaurant

WORK_PERMISSION = "restaurants.work_on_restaurant"
CARD_FIELDS = (
    "guid",
    "name",
    "location_name",
    "city",
    "state_code",
    "stage",
    "stage_since",
    "next_step",
    "next_step_due",
    "owner",
    "onboarding_done",
)


def ordered(queryset: QuerySet[Restaurant], *then: str) -> QuerySet[Any]:
    """The GUIDs, the soonest due next step first, then `then`. Overdue steps come
    first by this order alone: they are the ones due before today."""
    return queryset.order_by(F("next_step_due").asc(nulls_last=True), *then, "guid").values_list(
        "guid", flat=True
    )


def cards_of(guids: list[Any]) -> dict[Any, Restaurant]:
    """These restaurants with their owners, in one query."""
    if not guids:
        return {}
    found = Restaurant.objects.filter(pk__in=guids).select_related("owner").only(*CARD_FIELDS)
    return {restaurant.pk: restaurant for restaurant in found}


def in_order(guids: list[Any]) -> list[Restaurant]:
    """The restaurants of these GUIDs, in their order (one query)."""
    found = cards_of(guids)
    return [found[guid] for guid in guids if guid in found]


def owners() -> QuerySet[Any]:
    """The staff users a restaurant can be given to: active, signed-in staff."""
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
