"""Partner records with new fields are kept; a NUL character (which PostgreSQL cannot
store) is refused naming the field, the same on both databases, and a poll goes on."""

import uuid

import pytest
from django.utils import timezone

from integrations.sync import lifecycle, polling
from restaurants.models import Connection

pytestmark = pytest.mark.django_db

FIRST, SECOND = (str(uuid.UUID(int=n)) for n in (1, 2))
NOW = timezone.now()  # when the poll reading these records started


def record(guid, **fields):
    return {"restaurantGuid": guid, "restaurantName": "Main Street Cafe", **fields}


class PartnersAnswer:
    """The partners API's answer as a list of records: the simulator sends no NUL."""

    def __init__(self, records):
        self.records = records

    def connected_restaurants(self, last_modified=None):
        return iter(self.records)


def test_new_fields_of_a_partner_record_are_kept():
    lifecycle.apply_listed(record(FIRST, scopes=["restaurants:read"], tier="GOLD_V2"), NOW)

    details = Connection.objects.get(pk=FIRST).details
    assert (details["scopes"], details["tier"]) == (["restaurants:read"], "GOLD_V2")


def test_a_nul_in_an_unknown_field_is_refused_naming_it():
    with pytest.raises(lifecycle.RecordError, match=r"^scopes\[0\]: contains a NUL character"):
        lifecycle.apply_listed(record(FIRST, scopes=["bad\x00scope"]), NOW)

    assert not Connection.objects.exists()


def test_a_poll_skips_a_record_with_a_nul_and_applies_the_others():
    answer = PartnersAnswer([record(FIRST, scopes=["bad\x00"]), record(SECOND)])

    changes = polling.poll(answer)

    assert [change.guid for change in changes] == [SECOND]
    assert list(Connection.objects.values_list("restaurant_id", flat=True)) == [uuid.UUID(SECOND)]
