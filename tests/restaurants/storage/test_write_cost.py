"""The cost of a write does not grow with the payload; an unchanged one costs one UPDATE."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from restaurants.ingest import apply_restaurant_info
from restaurants.models import Restaurant, Service, Snapshot
from tests.payloads import load_payload, with_change

pytestmark = pytest.mark.django_db


def payload_with_services(count, guid, name="Bistro"):
    payload = load_payload("restaurant_full")
    payload["guid"] = guid
    payload["general"]["name"] = name
    template = payload["schedules"]["daySchedules"]["weekday"]["services"][0]
    services = []
    for index in range(count):
        service = copy.deepcopy(template)
        service["name"] = f"Service {index}"
        services.append(service)
    half = count // 2
    payload["schedules"]["daySchedules"]["weekday"]["services"] = services[:half]
    payload["schedules"]["daySchedules"]["weekend"]["services"] = services[half:]
    return payload


def queries_for(payload):
    with CaptureQueriesContext(connection) as captured:
        outcome = apply_restaurant_info(payload)
    assert outcome.ok, outcome.error
    return captured.captured_queries


def test_a_second_import_of_the_same_payload_writes_only_the_freshness_stamp():
    payload = load_payload("restaurant_full")
    apply_restaurant_info(payload)
    before = Restaurant.objects.get().last_fetched_at

    queries = queries_for(payload)

    assert len(queries) == 1
    assert queries[0]["sql"].startswith("UPDATE")
    assert "last_fetched_at" in queries[0]["sql"]
    assert Snapshot.objects.count() == 1
    assert Restaurant.objects.get().last_fetched_at > before


def test_a_caller_that_read_the_stored_hash_spares_a_changed_payload_the_freshness_update():
    payload = load_payload("restaurant_full")
    apply_restaurant_info(payload)
    stored = Restaurant.objects.get().content_sha256
    changed = with_change(payload, "general.name", "Renamed")

    with CaptureQueriesContext(connection) as captured:
        assert apply_restaurant_info(changed, stored_sha256=stored).status == "changed"

    touches = [
        q
        for q in captured
        if q["sql"].startswith("UPDATE") and "content_sha256" in q["sql"].split("WHERE")[-1]
    ]
    assert touches == []
    assert Restaurant.objects.get().name == "Renamed"


def test_key_order_does_not_count_as_a_change():
    payload = load_payload("restaurant_full")
    apply_restaurant_info(payload)
    reordered = dict(reversed(list(payload.items())))

    assert apply_restaurant_info(reordered).status == "unchanged"


@pytest.mark.parametrize("step", ["create", "change"])
def test_the_query_count_is_the_same_for_2_and_for_40_services(step):
    counts = []
    for index, services in enumerate((2, 40)):
        guid = f"00000000-0000-0000-0000-00000000000{index}"
        if step == "change":
            apply_restaurant_info(payload_with_services(services, guid, name="Before"))
        counts.append(len(queries_for(payload_with_services(services, guid, name="After"))))

    assert counts[0] == counts[1]
    assert Service.objects.filter(day_schedule__restaurant__name="After").count() == 42


def test_a_changed_payload_keeps_history_as_snapshots():
    payload = load_payload("restaurant_full")
    apply_restaurant_info(payload)
    payload["general"]["closeoutHour"] = 5

    outcome = apply_restaurant_info(payload)

    assert outcome.status == "changed"
    assert Snapshot.objects.count() == 2
    assert Restaurant.objects.get().closeout_hour == 5
