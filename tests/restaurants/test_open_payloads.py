"""Open enums and new fields: what the platform adds is kept, never a reason to refuse;
a NUL character, which PostgreSQL cannot store, is refused alike on both databases."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from restaurants.ingest import apply_restaurant_info
from restaurants.models import Restaurant, Snapshot
from restaurants.restaurant_info import export
from tests.payloads import load_payload, pruned, with_change

pytestmark = pytest.mark.django_db

GUID = "e728cd53-2fa7-4e63-8f8f-93e78ea66b03"


@pytest.fixture
def stored():
    payload = load_payload("restaurant_full")
    assert apply_restaurant_info(payload).status == "created"
    return payload


def test_new_fields_and_enum_values_are_kept_in_the_snapshot(stored):
    newer = {
        **with_change(stored, "general.name", "Renamed"),
        "scopes": ["restaurants:read"],
        "availability": {"status": "PAUSED_BY_A_NEW_RULE", "reason": None},
    }
    newer["location"]["geoPrecision"] = "ROOFTOP_V2"

    outcome = apply_restaurant_info(newer)

    assert outcome.status == "changed"
    snapshot = Snapshot.objects.latest("fetched_at")
    assert snapshot.payload["availability"]["status"] == "PAUSED_BY_A_NEW_RULE"
    assert snapshot.payload["location"]["geoPrecision"] == "ROOFTOP_V2"
    assert Restaurant.objects.get(pk=GUID).name == "Renamed"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"extra": {"note": "a\x00b"}}, "extra.note"),
        ({"scopes": ["ok", "bad\x00"]}, "scopes[1]"),
        ({"extra": {"bad\x00key": 1}}, "extra.bad\\x00key"),
    ],
    ids=["unknown-field", "unknown-list", "unknown-key"],
)
def test_a_nul_in_an_unknown_field_is_refused_naming_it_and_the_data_stays(stored, change, path):
    outcome = apply_restaurant_info({**with_change(stored, "general.name", "Renamed"), **change})

    assert outcome.status == "refused"
    assert outcome.error.startswith(f"{path}: contains a NUL character")
    assert pruned(export(Restaurant.objects.get(pk=GUID))) == pruned(stored)
    assert Snapshot.objects.count() == 1
    assert Restaurant.objects.get(pk=GUID).last_error.startswith(f"Refused payload: {path}: ")


def test_the_import_command_refuses_a_nul_with_one_line_naming_the_field(stored, tmp_path):
    path = tmp_path / "captured.json"
    path.write_text(json.dumps({**stored, "extra": {"note": "a\x00b"}}))

    with pytest.raises(CommandError) as refused:
        call_command("import_restaurant_info", str(path), stdout=io.StringIO())

    assert "extra.note: contains a NUL character" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert Snapshot.objects.count() == 1


def test_the_import_command_refuses_json_nested_thousands_deep(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 5_000 + "]" * 5_000)

    with pytest.raises(CommandError) as refused:
        call_command("import_restaurant_info", str(path), stdout=io.StringIO())

    assert "nested deeper than" in str(refused.value)
