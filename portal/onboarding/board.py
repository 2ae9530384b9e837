"""The board's data: one column per stage, its count and its first cards, filtered.

Whatever the number of restaurants the board costs the same queries: the
counts per stage in one (grouped on the stage's index), one per column for
its first cards' GUIDs, one for those cards with their owners and
checklists, and the filters' choices. A column's other
cards come on demand (`cards`, from an offset).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import QueryDict

from portal.onboarding.cards import cards_of, in_order, ordered, owners
from portal.staff import filters
from restaurants.models import Restaurant, Stage
from restaurants.values import as_uuid

CARDS_PER_COLUMN = 20
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
    counts = dict(
        queryset.order_by()
        .values_list("stage")
        .annotate(count=Count("pk"))
        .values_list("stage", "count")
    )
    guids = {
        stage: list(ordered(queryset.filter(stage=stage), "stage_since")[:CARDS_PER_COLUMN])
        if counts.get(stage)
        else []
        for stage in Stage.values
    }
    found = cards_of([guid for column in guids.values() for guid in column])
    return [
        Column(
            stage.value,
            stage.label,
            counts.get(stage.value, 0),
            [found[guid] for guid in guids[stage.value] if guid in found],  # in order
        )
        for stage in Stage
    ]


def cards(queryset: QuerySet[Restaurant], stage: str, offset: int) -> tuple[list[Restaurant], int]:
    """A column's cards from `offset` (MORE_CARDS of them) and the column's count."""
    column = queryset.filter(stage=stage)
    guids = list(ordered(column, "stage_since")[offset : offset + MORE_CARDS])
    return in_order(guids), column.count()


def choices() -> dict[str, Any]:
    """The filters' select boxes: staff users, and the management groups (two queries)."""
    return {"owners": list(owners()), "groups": filters.group_choices()}
