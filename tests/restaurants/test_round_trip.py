"""Import and export through the management commands, as support would use them."""

import io
import json

import pytest
from django.core.management import call_command

from restaurants.models import Restaurant
from tests.payloads import FIXTURES, load_payload, pruned

pytestmark = pytest.mark.django_db


def export_command(guid):
    out = io.StringIO()
    call_command("export_restaurant_info", guid, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("name", ["restaurant_full", "restaurant_sparse", "restaurant_captured"])
def test_it_round_trips_a_fixture_through_import_and_export(name):
    payload = load_payload(name)

    call_command("import_restaurant_info", str(FIXTURES / f"{name}.json"), stdout=io.StringIO())

    assert pruned(export_command(payload["guid"])) == pruned(payload)


def test_the_full_fixture_keeps_unicode_overnight_services_and_closed_days():
    call_command(
        "import_restaurant_info", str(FIXTURES / "restaurant_full.json"), stdout=io.StringIO()
    )

    restaurant = Restaurant.objects.get(pk="e728cd53-2fa7-4e63-8f8f-93e78ea66b03")
    assert restaurant.name == "Café Ünïcode — 東京ラーメン"
    assert restaurant.week_monday is None
    late = restaurant.day_schedules.get(key="weekend").services.get(name="Late night")
    assert late.overnight is True
    assert late.end_time.hour == 2


CAPTURED = "3f9c2a71-5b4e-4d8a-9c61-2e7f0b8d4a15"


def test_the_captured_fixture_keeps_what_real_payloads_send():
    """Payloads captured from real restaurants: 16-18 digit day-schedule keys, services
    without `overnight`, `area: ""` with delivery on, `minimum: null`, empty URLs and
    no prepTimes section. Stored as sent, and exported as sent (not as nulls)."""
    call_command(
        "import_restaurant_info", str(FIXTURES / "restaurant_captured.json"), stdout=io.StringIO()
    )

    restaurant = Restaurant.objects.get(pk=CAPTURED)
    keys = list(restaurant.day_schedules.values_list("key", flat=True))
    assert keys == ["4000000012345678", "400000000987654321"]
    assert restaurant.week_saturday == "400000000987654321"
    dinner = restaurant.day_schedules.get(key=keys[0]).services.get(name="Dinner")
    assert dinner.overnight is None and dinner.end_time.hour == 1
    assert (restaurant.delivery_enabled, restaurant.delivery_area) == (True, "")
    assert restaurant.delivery_minimum is None
    assert (restaurant.facebook, restaurant.order_online) == ("", "")
    assert restaurant.takeout_prep_time is None
    exported = export_command(CAPTURED)
    assert exported["delivery"] == {"enabled": True, "area": ""}
    assert exported["urls"]["twitter"] == ""
    assert "overnight" not in exported["schedules"]["daySchedules"][keys[0]]["services"][1]
    assert "prepTimes" not in exported


@pytest.mark.parametrize("section", ["general", "urls", "location", "schedules", "delivery"])
def test_a_captured_payload_without_a_section_round_trips(section, tmp_path):
    payload = load_payload("restaurant_captured")
    del payload[section]
    path = tmp_path / "captured.json"
    path.write_text(json.dumps(payload))

    out = io.StringIO()
    call_command("import_restaurant_info", str(path), stdout=out)

    assert "created" in out.getvalue()
    assert pruned(export_command(CAPTURED)) == pruned(payload)


def test_it_exports_from_the_models_not_from_the_snapshot():
    call_command(
        "import_restaurant_info", str(FIXTURES / "restaurant_full.json"), stdout=io.StringIO()
    )
    Restaurant.objects.filter(pk="e728cd53-2fa7-4e63-8f8f-93e78ea66b03").update(city="Somerville")

    exported = export_command("e728cd53-2fa7-4e63-8f8f-93e78ea66b03")

    assert exported["location"]["city"] == "Somerville"


def test_export_of_an_unknown_guid_says_so():
    with pytest.raises(Exception, match="No stored restaurant"):
        export_command("00000000-0000-0000-0000-000000000000")


def test_import_accepts_a_list_of_payloads(tmp_path):
    path = tmp_path / "both.json"
    path.write_text(
        json.dumps([load_payload("restaurant_full"), load_payload("restaurant_sparse")])
    )
    out = io.StringIO()

    call_command("import_restaurant_info", str(path), stdout=out)

    assert out.getvalue().count("created") == 2
    assert Restaurant.objects.count() == 2
