"""The onboarding checklist: one definition, the same answer per restaurant and stored
for the lists."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from restaurants import onboarding
from restaurants.models import WEEKDAYS, DaySchedule, Restaurant
from tests.payloads import load_payload
from tests.stored import stored, variant

pytestmark = pytest.mark.django_db

KEYS = [
    "connected",
    "data-received",
    "hours",
    "online-ordering",
    "payment-options",
    "delivery-area",
    "prep-times",
    "taking-orders",
]


def states(restaurant):
    """{key: "done" | "todo" | "n/a"} of the restaurant's checklist."""
    return {
        entry.key: "n/a" if not entry.applies else "done" if entry.done else "todo"
        for entry in onboarding.checklist(restaurant)
    }


def done_in_list(restaurant):
    return Restaurant.objects.get(pk=restaurant.pk).onboarding_done


def assert_both_agree(restaurant):
    entries = onboarding.checklist(restaurant)
    assert done_in_list(restaurant) == sum(entry.done for entry in entries)


def test_the_full_fixture_has_every_item_done(full_restaurant):
    assert states(full_restaurant) == dict.fromkeys(KEYS, "done")
    assert done_in_list(full_restaurant) == onboarding.TOTAL == len(KEYS)


def test_the_sparse_fixture_has_data_but_nothing_else_set_up(sparse_restaurant):
    assert states(sparse_restaurant) == {
        "connected": "done",
        "data-received": "done",
        "hours": "todo",
        "online-ordering": "todo",
        "payment-options": "todo",
        "delivery-area": "n/a",  # delivery is off: nothing to draw
        "prep-times": "todo",
        "taking-orders": "done",  # no availability event: online, as the platform says
    }
    assert done_in_list(sparse_restaurant) == 4


def test_each_item_links_to_a_documentation_section(full_restaurant):
    urls = [entry.doc_url for entry in onboarding.checklist(full_restaurant)]

    assert urls[2:] == [
        "/docs/finish-onboarding/#hours-and-services",
        "/docs/finish-onboarding/#online-ordering",
        "/docs/finish-onboarding/#payment-options",
        "/docs/finish-onboarding/#delivery-area",
        "/docs/finish-onboarding/#prep-times",
        "/docs/finish-onboarding/#taking-online-orders",
    ]
    assert urls[0] == "/docs/connect/#connect-the-integration"


EDGE_CASES = {
    # Neither takes orders through the integration, whatever the platform last said.
    "removed connection": (
        dict(),
        {"connected": False},
        {"connected": "todo", "taking-orders": "todo"},
    ),
    "a prospect without connection": (
        dict(),
        {"connected": None},
        {"connected": "todo", "taking-orders": "todo"},
    ),
    "every day closed": (
        {f"schedules__weekSchedule__{day}": None for day in WEEKDAYS},
        {},
        {"hours": "todo"},
    ),
    "open on Saturdays only": (
        {f"schedules__weekSchedule__{day}": None for day in WEEKDAYS if day != "saturday"},
        {},
        {"hours": "done"},
    ),
    "online ordering off": ({"onlineOrdering__enabled": False}, {}, {"online-ordering": "todo"}),
    "only cash for takeout": (
        {
            "onlineOrdering__paymentOptions": {
                "delivery": {"cash": False, "ccSameDay": False, "ccFuture": False},
                "takeout": {"cash": True, "ccSameDay": False, "ccFuture": False},
                "ccTip": False,
            }
        },
        {},
        {"payment-options": "done"},
    ),
    "card tips but no way to pay": (
        {
            "onlineOrdering__paymentOptions": {
                "delivery": {"cash": False, "ccSameDay": False, "ccFuture": False},
                "takeout": {"cash": False, "ccInStore": False},
                "ccTip": True,
            }
        },
        {},
        {"payment-options": "todo"},
    ),
    "delivering without an area": ({"delivery__area": ""}, {}, {"delivery-area": "todo"}),
    "delivery off with an area": ({"delivery__enabled": False}, {}, {"delivery-area": "n/a"}),
    "takeout prep time zero": ({"prepTimes__takeoutPrepTime": 0}, {}, {"prep-times": "todo"}),
    "delivering without a delivery prep time": (
        {"prepTimes__deliveryPrepTime": None},
        {},
        {"prep-times": "todo"},
    ),
    "not delivering, no delivery prep time": (
        {"delivery__enabled": False, "prepTimes__deliveryPrepTime": None},
        {},
        {"prep-times": "done", "delivery-area": "n/a"},
    ),
}


@pytest.mark.parametrize("case", EDGE_CASES, ids=list(EDGE_CASES))
def test_edge_cases_change_only_their_item_and_both_views_agree(case):
    changes, options, expected = EDGE_CASES[case]
    restaurant = stored(variant("restaurant_full", **changes), **options)

    assert states(restaurant) == dict.fromkeys(KEYS, "done") | expected
    assert_both_agree(restaurant)


@pytest.mark.parametrize(
    ("availability", "expected"),
    [(Restaurant.Availability.OFFLINE, "todo"), (Restaurant.Availability.ONLINE, "done")],
)
def test_an_offline_restaurant_is_not_taking_orders_in_both_views(availability, expected):
    restaurant = stored(variant("restaurant_full"))
    Restaurant.objects.filter(pk=restaurant.pk).update(availability=availability)
    onboarding.refresh([restaurant.pk])  # as integrations/sync/availability.py does
    restaurant.refresh_from_db()

    assert states(restaurant) == dict.fromkeys(KEYS, "done") | {"taking-orders": expected}
    entries = {entry.key: entry for entry in onboarding.checklist(restaurant)}
    label = "Taking online orders" if expected == "done" else "Not taking online orders"
    assert entries["taking-orders"].label == label
    assert restaurant.is_taking_online_orders() is (expected == "done")
    assert_both_agree(restaurant)


def test_a_captured_payload_that_delivers_without_an_area_says_the_area_is_missing():
    """Real payloads send `delivery.area: ""` with `enabled: true` (and no prepTimes):
    stored, and the checklist names what is missing."""
    restaurant = stored(load_payload("restaurant_captured"))

    entries = {entry.key: entry for entry in onboarding.checklist(restaurant)}

    assert states(restaurant) == dict.fromkeys(KEYS, "done") | {
        "delivery-area": "todo",
        "prep-times": "todo",
    }
    assert entries["delivery-area"].label == "Delivery area missing"
    assert entries["hours"].label == "Opening hours and services set"
    assert_both_agree(restaurant)


def test_a_drawn_area_keeps_its_done_label(full_restaurant):
    entries = {entry.key: entry for entry in onboarding.checklist(full_restaurant)}
    assert entries["delivery-area"].label == "Delivery area drawn"


def test_a_day_schedule_without_services_does_not_count_as_hours():
    payload = variant("restaurant_full")
    for schedule in payload["schedules"]["daySchedules"].values():
        schedule["services"] = []
    restaurant = stored(payload)

    assert states(restaurant)["hours"] == "todo"
    assert DaySchedule.objects.filter(restaurant=restaurant).exists()


def test_a_restaurant_known_only_by_its_guid_has_started_nothing(db):
    restaurant = Restaurant.objects.create(guid="11111111-2222-3333-4444-555555555555")

    assert set(states(restaurant).values()) == {"todo"}
    assert done_in_list(restaurant) == 0


def test_a_refresh_is_one_query_and_an_update_per_new_value_however_many_restaurants():
    guids = [stored(variant("restaurant_full")).pk for _ in range(12)]
    guids.append(stored(load_payload("restaurant_sparse"), connected=None).pk)
    Restaurant.objects.filter(pk__in=guids).update(onboarding_done=0, onboarding_items=0)

    with CaptureQueriesContext(connection) as queries:
        done = onboarding.refresh(guids)
    with CaptureQueriesContext(connection) as again:
        onboarding.refresh(guids)

    assert len(queries) == 3  # the checklist read, then two values stored
    assert len(again) == 1  # nothing changed: nothing written
    counts = sorted(
        Restaurant.objects.filter(pk__in=guids).values_list("onboarding_done", flat=True)
    )
    assert counts == [2] + [onboarding.TOTAL] * 12
    assert done[guids[-1]] == {"data-received", "delivery-area"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("complete", {"full"}),
        ("incomplete", {"sparse"}),
        ("not-started", {"bare"}),
        ("anything else", {"full", "sparse", "bare"}),
        ("", {"full", "sparse", "bare"}),
    ],
)
def test_the_progress_filter_keeps_the_restaurants_at_that_stage(
    value, expected, full_restaurant, sparse_restaurant
):
    bare = Restaurant.objects.create(guid=uuid.uuid4())
    names = {full_restaurant.pk: "full", sparse_restaurant.pk: "sparse", bare.pk: "bare"}

    found = onboarding.filter_progress(Restaurant.objects.all(), value)

    assert {names[r.pk] for r in found} == expected
