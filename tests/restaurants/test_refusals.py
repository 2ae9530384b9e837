"""Invalid payloads are refused whole; the last good data stays and the error shows."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from restaurants.ingest import apply_restaurant_info
from restaurants.models import Restaurant, Snapshot
from restaurants.restaurant_info import export
from tests.payloads import load_payload, pruned, with_change

pytestmark = pytest.mark.django_db

GUID = "e728cd53-2fa7-4e63-8f8f-93e78ea66b03"

INVALID = [
    ("general.closeoutHour", 13, "general.closeoutHour: 13 is not an hour from 0 to 12"),
    ("general.closeoutHour", True, "general.closeoutHour: expected a whole number"),
    (
        "general.timeZone",
        "Mars/Olympus_Mons",
        "general.timeZone: 'Mars/Olympus_Mons' is not an IANA",
    ),
    ("general.firstBusinessDate", 20191340, "general.firstBusinessDate: expected a date"),
    ("general.managementGroupGuid", "not-a-guid", "general.managementGroupGuid: expected a GUID"),
    ("location.latitude", 91.5, "location.latitude: 91.5 is not a latitude"),
    ("location.longitude", -181, "location.longitude: -181.0 is not a longitude"),
    ("location.latitude", "42.1", "location.latitude: expected a number"),
    ("delivery.area", "not a polyline ~~~", "delivery.area: 'not a polyline ~~~'"),
    (
        "delivery.area",
        "_p~iF~ps|U_ulLnnqC",
        "delivery.area: '_p~iF~ps|U_ulLnnqC' decodes to 2 distinct",
    ),
    ("delivery.minimum", -1, "delivery.minimum: -1.0 is negative"),
    ("prepTimes.takeoutPrepTime", -5, "prepTimes.takeoutPrepTime: -5 is negative"),
    ("onlineOrdering.enabled", "yes", "onlineOrdering.enabled: expected true or false"),
    (
        "schedules.daySchedules.weekday.services.0.hours.startTime",
        "25:00:00.000",
        "schedules.daySchedules.weekday.services[0].hours.startTime: '25:00:00.000'",
    ),
    (
        "schedules.daySchedules.weekday.openTime",
        "11:00",
        "schedules.daySchedules.weekday.openTime: '11:00' is not a time of day",
    ),
    (
        "schedules.weekSchedule.monday",
        "holiday",
        "schedules.weekSchedule.monday: 'holiday' is not a key of schedules.daySchedules",
    ),
    ("location", ["not", "an", "object"], "location: expected an object"),
]


@pytest.fixture
def stored():
    payload = load_payload("restaurant_full")
    assert apply_restaurant_info(payload).status == "created"
    return payload


def stored_payload():
    restaurant = Restaurant.objects.prefetch_related("day_schedules__services").get(pk=GUID)
    return export(restaurant)


@pytest.mark.parametrize(("path", "value", "message"), INVALID)
def test_it_refuses_an_invalid_value_and_keeps_the_last_good_data(stored, path, value, message):
    outcome = apply_restaurant_info(with_change(stored, path, value))

    assert outcome.status == "refused"
    assert message in outcome.error
    assert pruned(stored_payload()) == pruned(stored)
    assert Snapshot.objects.count() == 1
    restaurant = Restaurant.objects.get(pk=GUID)
    assert message in restaurant.last_error
    assert restaurant.last_error_at is not None


def test_a_good_payload_after_a_refusal_clears_the_error(stored):
    apply_restaurant_info(with_change(stored, "general.closeoutHour", 13))

    apply_restaurant_info(with_change(stored, "general.closeoutHour", 5))

    assert Restaurant.objects.get(pk=GUID).last_error == ""


def test_the_first_payload_of_a_restaurant_if_invalid_leaves_an_error_to_see():
    payload = with_change(load_payload("restaurant_full"), "location.latitude", -95)

    apply_restaurant_info(payload)

    restaurant = Restaurant.objects.get(pk=GUID)
    assert "location.latitude" in restaurant.last_error
    assert restaurant.has_data is False


@pytest.mark.parametrize("payload", [None, [], "text", {"general": {}}, {"guid": "nope"}])
def test_a_payload_without_a_usable_guid_is_refused_without_writing(payload):
    outcome = apply_restaurant_info(payload)

    assert outcome.status == "refused"
    assert Restaurant.objects.count() == 0


def test_the_import_command_fails_with_a_one_line_error_naming_the_field(stored, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(with_change(stored, "general.timeZone", "Europe/Atlantis")))

    with pytest.raises(CommandError) as refused:
        call_command("import_restaurant_info", str(path), stdout=io.StringIO())

    assert "general.timeZone: 'Europe/Atlantis' is not an IANA time zone" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_the_import_command_exits_non_zero_from_a_shell(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{ not json")

    result = subprocess.run(
        [sys.executable, "manage.py", "import_restaurant_info", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "not JSON" in result.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Bad\x00Name", "contains a NUL character"),
        ("x" * 10_001, "more than 10000"),
        ("Bad\ud800Name", "text that is not valid Unicode (a lone UTF-16 surrogate)"),
    ],
)
def test_it_refuses_text_no_database_could_store(stored, value, message):
    outcome = apply_restaurant_info(with_change(stored, "general.name", value))

    assert outcome.status == "refused"
    assert outcome.error.startswith("general.name: ") and message in outcome.error
    assert pruned(stored_payload()) == pruned(stored)
    assert message in Restaurant.objects.get(pk=GUID).last_error


def test_text_that_is_not_unicode_is_named_by_its_path_even_in_an_unknown_key(stored):
    in_a_service = with_change(
        stored, "schedules.daySchedules.weekday.services.0.name", "Lunch\udc00"
    )
    in_a_key = {**stored, "extra": {"bad\ud800key": 1}}

    first = apply_restaurant_info(in_a_service).error
    second = apply_restaurant_info(in_a_key).error

    assert first.startswith("schedules.daySchedules.weekday.services[0].name: text that is not")
    assert second.startswith("extra.bad\\ud800key: text that is not valid Unicode")
    assert pruned(stored_payload()) == pruned(stored)
