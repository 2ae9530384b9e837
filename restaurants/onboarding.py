"""The onboarding checklist: what a restaurant still has to do, defined once.

Each item is a condition in SQL (a `Q`), so the same definition answers both
questions staff and restaurants ask:

- `checklist(restaurant)`: the items of one restaurant, each done or not and
  linked to the documentation section that says how to fix it (the private
  status page, the restaurant page);
- `refresh(guids)`: the same conditions evaluated for many restaurants and
  stored on each (`Restaurant.onboarding_done`, the count, indexed with the
  list's orders; `onboarding_items`, the done items as bits of `ITEMS`), which
  the lists, their sorts and `filter_progress`, the CSV, the board, reminders
  and the stages read; with them the connection's status the first item reads
  (`Restaurant.connection_status`, the lists' status filter and the dashboard's
  figures). Every writer of an input calls it in its own
  transaction: a stored payload (storage/rows.py), a partner event
  (connection_events.py), an availability change (integrations' sync).
  Computed for every row of a list instead, the "hours" item's subquery made a
  sort by progress of 150,000 restaurants take 5 s and the "complete" filter 18 s.

What each item asks for, and why:

- connected: the platform reports the integration as connected (not removed).
- data received: at least one valid `RestaurantInfo` has been stored.
- hours set: at least one weekday is mapped to a day schedule with at least
  one service; a week of closed days cannot take orders.
- online ordering enabled: the platform's online ordering module is on.
- payment options: at least one way to pay for an online order is accepted
  (cash or card, delivery or takeout). Card tips alone are not a way to pay.
- delivery area valid: a restaurant that delivers has a delivery area (real
  payloads send `area: ""` with `enabled: true`: stored, and shown as "Delivery
  area missing", not refused). The
  area is checked when a payload is stored (an invalid polygon is refused and
  shown as the restaurant's last error), so a stored area is a valid one. For
  a restaurant that does not deliver the item does not apply and counts as
  done: there is nothing to fix.
- prep times set: the takeout prep time is above zero, and so is the delivery
  prep time when the restaurant delivers. Zero would promise guests orders
  that are ready the moment they are placed.
- taking online orders: the restaurant is connected and the platform's
  restaurant availability does not say OFFLINE (with no availability event
  it counts as online, as the platform says). A removed or never connected
  restaurant takes no orders through the integration.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, reduce
from typing import Any

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from restaurants import payments
from restaurants.models import (
    WEEKDAYS,
    Connection,
    ConnectionStatus,
    DaySchedule,
    Restaurant,
    Service,
)

PROGRESS_CHOICES = (
    ("complete", "Complete"),
    ("incomplete", "In progress"),
    ("not-started", "Not started"),
)


@dataclass(frozen=True)
class Item:
    """One checklist item: its condition and where the docs explain it."""

    key: str
    label: str
    hint: str
    doc_page: str
    doc_anchor: str
    done: Q
    # When this holds the item does not apply to the restaurant (counts as done).
    not_applicable: Q | None = None
    # What the item is called while it is not done, when that says more than `label`.
    todo_label: str = ""

    @property
    def doc_url(self):
        return f"{reverse('docs-page', args=[self.doc_page])}#{self.doc_anchor}"


@dataclass(frozen=True)
class Entry:
    """An item as it stands for one restaurant."""

    key: str
    label: str
    hint: str
    done: bool
    applies: bool
    doc_url: str


def _open_on_some_day():
    """Some weekday maps to a day schedule of this restaurant that has a service.

    Nested, each step a lookup by key: a join of services to day schedules let
    PostgreSQL scan the services for each restaurant (a 40 ms checklist for 100
    restaurants at 41,000, quadratic in the size)."""
    same_day = reduce(Q.__or__, (Q(key=OuterRef(f"week_{day}")) for day in WEEKDAYS))
    has_service = Exists(Service.objects.filter(day_schedule=OuterRef("pk")))
    return Exists(DaySchedule.objects.filter(same_day, has_service, restaurant=OuterRef("pk")))


ITEMS = (
    Item(
        key="connected",
        label="Integration connected",
        hint="Connect the integration in Toast Web.",
        doc_page="connect",
        doc_anchor="connect-the-integration",
        done=Q(connection__status=Connection.Status.CONNECTED),
    ),
    Item(
        key="data-received",
        label="Restaurant data received",
        hint="We read your restaurant's settings from Toast shortly after you connect.",
        doc_page="after-connecting",
        doc_anchor="when-your-data-arrives",
        done=~Q(content_sha256=""),
    ),
    Item(
        key="hours",
        label="Opening hours and services set",
        hint="Give at least one day of the week a schedule with a service.",
        doc_page="finish-onboarding",
        doc_anchor="hours-and-services",
        done=Q(_open_on_some_day()),
    ),
    Item(
        key="online-ordering",
        label="Online ordering enabled",
        hint="Turn on online ordering in Toast Web.",
        doc_page="finish-onboarding",
        doc_anchor="online-ordering",
        done=Q(online_ordering_enabled=True),
    ),
    Item(
        key="payment-options",
        label="Payment options for online orders",
        hint="Accept at least one way to pay for online orders.",
        doc_page="finish-onboarding",
        doc_anchor="payment-options",
        done=reduce(Q.__or__, (Q(**{field: True}) for field in payments.FIELDS)),
    ),
    Item(
        key="delivery-area",
        label="Delivery area drawn",
        todo_label="Delivery area missing",
        hint="Draw the area you deliver to, or turn delivery off.",
        doc_page="finish-onboarding",
        doc_anchor="delivery-area",
        done=Q(delivery_enabled=True) & ~Q(delivery_area=None) & ~Q(delivery_area=""),
        not_applicable=Q(delivery_enabled=False),
    ),
    Item(
        key="prep-times",
        label="Prep times set",
        hint="Set how long takeout (and delivery) orders take to prepare.",
        doc_page="finish-onboarding",
        doc_anchor="prep-times",
        done=Q(takeout_prep_time__gt=0) & (Q(delivery_enabled=False) | Q(delivery_prep_time__gt=0)),
    ),
    Item(
        key="taking-orders",
        label="Taking online orders",
        todo_label="Not taking online orders",
        hint="Switch on the device that approves online orders, or end the pause.",
        doc_page="finish-onboarding",
        doc_anchor="taking-online-orders",
        # Restaurant.is_taking_online_orders() says the same of one restaurant read.
        done=Q(connection__status=Connection.Status.CONNECTED)
        & ~Q(availability=Restaurant.Availability.OFFLINE),
    ),
)
TOTAL = len(ITEMS)


def _flag(condition):
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _flags():
    flags = {f"done_{item.key}": _flag(item.done) for item in ITEMS}
    flags.update(
        {f"na_{item.key}": _flag(item.not_applicable) for item in ITEMS if item.not_applicable}
    )
    return flags


def _not_applicable(row, item):
    return bool(row.get(f"na_{item.key}"))


def _done(row, item):
    return bool(row.get(f"done_{item.key}")) or _not_applicable(row, item)


def checklist(restaurant):
    """The items for one restaurant, in order, read in one query."""
    row = Restaurant.objects.filter(pk=restaurant.pk).values(**_flags()).first() or {}
    entries = []
    for item in ITEMS:
        done = _done(row, item)
        entries.append(
            Entry(
                key=item.key,
                label=item.label if done else item.todo_label or item.label,
                hint=item.hint,
                done=done,
                applies=not _not_applicable(row, item),
                doc_url=item.doc_url,
            )
        )
    return entries


def keys_of(bits: int) -> frozenset[str]:
    """The keys of the items set in `bits` (an `onboarding_items` value)."""
    return frozenset(item.key for n, item in enumerate(ITEMS) if bits >> n & 1)


def _bits_of_keys(keys: frozenset[str]) -> int:
    return sum(1 << n for n, item in enumerate(ITEMS) if item.key in keys)


def stored_items(guids: Iterable[Any]) -> dict[Any, frozenset[str]]:
    """The done item keys stored on each of these restaurants (a column read)."""
    rows = Restaurant.objects.filter(pk__in=list(guids)).values_list("guid", "onboarding_items")
    return {guid: keys_of(bits) for guid, bits in rows}


@cache
def _checklist_rows() -> QuerySet[Restaurant, dict[str, Any]]:
    """Every restaurant's item flags and stored items, the expressions resolved once
    (never evaluated itself: each refresh filters a copy). Resolving them for each
    batch was a tenth of a payload batch's write on SQLite."""
    return Restaurant.objects.values(
        "guid",
        "onboarding_items",
        "connection_status",
        status_now=Coalesce("connection__status", Value(ConnectionStatus.PROSPECT)),
        **_flags(),
    )


def refresh(guids: Iterable[Any]) -> dict[Any, frozenset[str]]:
    """Evaluates the checklist of these restaurants (one query), stores it, with the
    connection's status it reads, on those whose stored values differ (an update per
    distinct new pair, a few a batch) and returns each one's done item keys. Call it
    in the writer's transaction."""
    rows = _checklist_rows().filter(pk__in=list(guids))
    done, changed = {}, defaultdict(list)
    for row in rows:
        keys = done[row["guid"]] = frozenset(item.key for item in ITEMS if _done(row, item))
        stored = (_bits_of_keys(keys), row["status_now"])
        if stored != (row["onboarding_items"], row["connection_status"]):
            changed[stored].append(row["guid"])
    for (bits, status), changed_guids in changed.items():
        Restaurant.objects.filter(pk__in=changed_guids).update(
            onboarding_items=bits, onboarding_done=bits.bit_count(), connection_status=status
        )
    return done


def filter_progress(queryset, value):
    """Restaurants whose onboarding is "complete", "incomplete" or "not-started".

    An unknown value filters nothing, so a hand-edited URL shows the whole list.
    """
    conditions = {
        "complete": Q(onboarding_done=TOTAL),
        "incomplete": Q(onboarding_done__gt=0, onboarding_done__lt=TOTAL),
        "not-started": Q(onboarding_done=0),
    }
    if value not in conditions:
        return queryset
    return queryset.filter(conditions[value])
