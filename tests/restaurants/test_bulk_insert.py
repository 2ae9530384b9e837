"""insert_missing stores the rows bulk_create would, and leaves stored ones alone."""

import uuid

import pytest
from django.db import connection

from restaurants.bulk_insert import insert_missing
from restaurants.models import Restaurant

pytestmark = pytest.mark.django_db

TIMES = {"first_seen_at", "stage_since"}  # now, at each insert


def _row(guid):
    values = Restaurant.objects.filter(pk=guid).values().get()
    return {name: value for name, value in values.items() if name not in TIMES | {"guid"}}


def test_new_rows_are_as_created_and_a_stored_one_is_left_alone():
    stored, new, made = (uuid.UUID(int=n) for n in (1, 2, 3))
    group = uuid.UUID(int=9)
    Restaurant.objects.create(guid=stored, name="Kept")
    Restaurant.objects.create(guid=made, management_group_guid=group)

    insert_missing(Restaurant, [{"guid": g, "management_group_guid": group} for g in (stored, new)])

    assert Restaurant.objects.get(pk=stored).name == "Kept"
    assert Restaurant.objects.get(pk=stored).management_group_guid is None
    assert _row(new) == _row(made)
    assert Restaurant.objects.get(pk=new).first_seen_at is not None


def test_more_rows_than_a_statement_takes(monkeypatch):
    monkeypatch.setattr(connection.features, "max_query_params", 70)  # 65 columns, 5 rows
    guids = [uuid.UUID(int=n) for n in range(100, 123)]

    insert_missing(Restaurant, [{"guid": g} for g in guids])

    assert set(Restaurant.objects.values_list("pk", flat=True)) == set(guids)
