"""The board's data: one column per stage, its count and its first cards, filtered.

Whatever the number of restaurants the board costs the same queries: one
count per stage in a single aggregate, one query per column for its first
cards, one for their checklists, and the filters' choices. A column's other
cards come on demand (`cards`, from an offset).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import QueryDict

from portal.onboarding.cards import owners, with_progress
from portal.staff import filters
from restaurants import attention
from restaurants.models import Restaurant, Stage
from restaurants.values import as_uuid

CARDS_PER_COLUMN = 25
MORE_CARDS = 100  # a column's page of its own, or one "more" fetch
FILTERS = ("owner", "group")


@dataclass(frozen=True)
class Column:
    stage: str
    label: str
    count: int
    cards: list[Restaurant]

    @property
    def left(self) -> int:
        return self.count - len(self.cards)


def filtered(params: QueryDict, user: Any) -> QuerySet[Restaurant]:
    """The restaurants the board's filters keep: owner ("me", "none" or a user id)
    and management group. An unknown value filters nothing."""
    queryset = Restaurant.objects.all()
    owner = params.get("owner", "")
    if owner == "me":
        queryset = queryset.filter(owner=user)
    elif owner == "none":
        queryset = queryset.filter(owner__isnull=True)
    elif owner.isdigit() and len(owner) < 10:  # a longer one overflows the column
        queryset = queryset.filter(owner_id=int(owner))
    group = as_uuid(params.get("group"))
    if group:
        queryset = queryset.filter(management_group_guid=group)
    return queryset


def filter_params(params: QueryDict) -> str:
    """The filters as a query string, for the links of a filtered board."""
    kept = QueryDict(mutable=True)
    for name in FILTERS:
        value = params.get(name)
        if value:
            kept[name] = value
    return kept.urlencode()


def columns(queryset: QuerySet[Restaurant]) -> list[Column]:
    counts = queryset.aggregate(
        **{stage.value: Count("pk", filter=Q(stage=stage.value)) for stage in Stage}
    )
    cards_of = {
        stage.value: list(_ordered(queryset.filter(stage=stage.value))[:CARDS_PER_COLUMN])
        if counts[stage.value]
        else []
        for stage in Stage
    }
    with_progress([card for cards in cards_of.values() for card in cards])
    return [
        Column(stage.value, stage.label, counts[stage.value], cards_of[stage.value])
        for stage in Stage
    ]


def cards(queryset: QuerySet[Restaurant], stage: str, offset: int) -> tuple[list[Restaurant], int]:
    """A column's cards from `offset` (MORE_CARDS of them) and the column's count."""
    column = queryset.filter(stage=stage)
    found = list(with_progress(list(_ordered(column)[offset : offset + MORE_CARDS])))
    return found, column.count()


def choices() -> dict[str, Any]:
    """The filters' select boxes: staff users, and the management groups (two queries)."""
    return {"owners": list(owners()), "groups": filters.group_choices()}


def _ordered(queryset: QuerySet[Restaurant]) -> QuerySet[Restaurant]:
    """Overdue next steps first, then the soonest due, then the longest in the stage."""
    return queryset.select_related("owner").order_by(
        attention.overdue_first(),
        F("next_step_due").asc(nulls_last=True),
        "stage_since",
        "guid",
    )
