"""The restaurant list as a first day with it finds it: unknown values last, group
names, the archived filter, accents ignored, clean URLs, a CSV a spreadsheet reads,
and pages that hold every restaurant once."""

import csv
import datetime
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from restaurants.models import Connection, Restaurant
from tests.stored import make_restaurant

pytestmark = pytest.mark.django_db


def _names(response):
    return [r.name or str(r.guid) for r in response.context["page"].object_list]


@pytest.fixture
def prospect(full):
    """A prospect of the full fixture's group: its GUID and group only."""
    group = full["general"]["managementGroupGuid"]
    return Restaurant.objects.create(guid=uuid.uuid4(), management_group_guid=group)


@pytest.mark.parametrize("sort", ["name", "-name", "city", "-fetched", "fetched", "-changed"])
def test_unknown_values_sort_last_in_either_direction(staff_client, prospect, sort):
    make_restaurant(name="Zebra Grill")
    make_restaurant(name="Aardvark Deli")
    names = _names(staff_client.get(f"/restaurants/?sort={sort}"))
    assert names[-1] == str(prospect.guid)
    assert len(names) == 4


def test_the_group_filter_shows_the_groups_names(staff_client, full, prospect):
    Connection.objects.filter(pk=full["guid"]).update(external_group_ref="grp-7")
    page = staff_client.get("/restaurants/").content.decode()
    group = full["general"]["managementGroupGuid"]
    assert f'<option value="{group}">Café · grp-7</option>' in page
    chosen = staff_client.get(f"/restaurants/?group={group}")
    assert f'<option value="{group}" selected>Café · grp-7</option>' in chosen.content.decode()
    assert len(_names(chosen)) == 2  # the prospect of the group too


def test_the_archived_filter_and_column(staff_client, full):
    archived = make_restaurant(name="Closed Diner", archived=True)
    yes = staff_client.get("/restaurants/?archived=yes")
    assert _names(yes) == ["Closed Diner"]
    assert "<td>Archived</td>" in yes.content.decode()
    assert "<th>Archived</th>" in yes.content.decode()
    no = _names(staff_client.get("/restaurants/?archived=no"))
    assert "Closed Diner" not in no and len(no) == 1
    assert archived["guid"]


@pytest.mark.parametrize(
    "text", ["cafe", "CAFÉ", "unicode", "UNÏCODE", "ラーメン", "harvard", "hsq", "store-42"]
)
def test_search_ignores_case_and_accents(staff_client, full, text):
    make_restaurant(name="Zebra Grill", locationName="Downtown", locationCode="Z-1")
    assert _names(staff_client.get("/restaurants/", {"q": text})) == ["Café Ünïcode — 東京ラーメン"]


def test_an_accented_search_finds_the_plain_name(staff_client, full):
    make_restaurant(name="Old Data Cafe")
    assert sorted(_names(staff_client.get("/restaurants/?q=café"))) == [
        "Café Ünïcode — 東京ラーメン",
        "Old Data Cafe",
    ]


def test_search_by_a_piece_of_the_guid_and_the_whole_guid(staff_client, full):
    make_restaurant(name="Zebra Grill")
    whole = staff_client.get(f"/restaurants/?q={full['guid'].upper()}")
    assert _names(whole) == ["Café Ünïcode — 東京ラーメン"]


def test_a_search_for_markup_or_wildcards_finds_nothing_and_escapes(staff_client, full):
    for text in ["%", "_", "<script>", "\\"]:
        response = staff_client.get("/restaurants/", {"q": text})
        assert response.status_code == 200
        assert _names(response) == []
        assert "<script>" not in response.content.decode().split("</form>")[0].split('value="')[1]


def test_the_form_leaves_no_empty_parameters_in_the_url(staff_client, full):
    response = staff_client.get("/restaurants/?q=&status=connected&group=&tz=&sort=city")
    assert response.status_code == 302
    assert response["Location"] == "/restaurants/?status=connected&sort=city"
    everything_empty = staff_client.get("/restaurants/?q=&status=&archived=")
    assert everything_empty["Location"] == "/restaurants/"


def test_export_csv_is_a_button_of_the_form(staff_client, full):
    """It submits what the form shows, not the filters applied last."""
    page = staff_client.get("/restaurants/?status=connected").content.decode()
    form = page.split('<form method="get" class="filters card">')[1].split("</form>")[0]
    assert '<button class="secondary" name="format" value="csv">Export CSV</button>' in form
    assert "format=csv" not in page  # no link carrying the applied filters


def test_csv_reads_well_in_a_spreadsheet(staff_client, full, prospect):
    Restaurant.objects.filter(pk=full["guid"]).update(
        last_fetched_at=datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
    )
    response = staff_client.get("/restaurants/?format=csv&sort=name")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfGUID,")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0]["Status"] == "Connected" and rows[1]["Status"] == "Prospect"
    assert rows[0]["Delivery"] == "yes" and rows[0]["Archived"] == "no"
    assert rows[1]["Delivery"] == ""  # unknown, not "no"
    assert rows[0]["Last fetched (UTC)"] == "2026-03-04 05:06"
    assert "True" not in body.decode("utf-8-sig") and "False" not in body.decode("utf-8-sig")


@pytest.mark.parametrize("sort", ["name", "-name", "-progress", "city", "-fetched"])
def test_the_pages_hold_every_restaurant_once(staff_client, full, sort):
    """Many equal names and unknown ones: the GUID orders them, no row on two pages."""
    Restaurant.objects.bulk_create(
        Restaurant(guid=uuid.uuid4(), name=f"R{n % 40:03d}" if n % 7 else None, city="Ames")
        for n in range(120)
    )
    guids = [
        restaurant.guid
        for number in (1, 2, 3)
        for restaurant in staff_client.get(f"/restaurants/?sort={sort}&page={number}").context[
            "page"
        ]
    ]
    assert len(guids) == 121
    assert set(guids) == set(Restaurant.objects.values_list("guid", flat=True))


def test_the_last_page_links_and_the_first(staff_client, full):
    Restaurant.objects.bulk_create(Restaurant(guid=uuid.uuid4(), name=f"R{n}") for n in range(120))
    middle = staff_client.get("/restaurants/?sort=name&page=2").content.decode()
    assert 'href="?sort=name&amp;page=3">Last »' in middle
    assert 'href="?sort=name">« First' in middle


def test_a_searched_list_pages_and_counts_in_one_pass(staff_client, full):
    Restaurant.objects.bulk_create(
        Restaurant(guid=uuid.uuid4(), name=f"Noodle {n:03d}") for n in range(75)
    )
    first = staff_client.get("/restaurants/?q=noodle")
    assert "75 found" in first.content.decode()
    second = staff_client.get("/restaurants/?q=noodle&page=2")
    assert _names(second) == [f"Noodle {n:03d}" for n in range(50, 75)]
    for past_the_end in ("3", "999"):
        with CaptureQueriesContext(connection) as past:
            last = staff_client.get(f"/restaurants/?q=noodle&page={past_the_end}")
        assert _names(last) == _names(second)
        assert last.context["page"].number == 2
        with CaptureQueriesContext(connection) as inside:
            staff_client.get("/restaurants/?q=noodle&page=2")
        assert len(past) == len(inside)  # the last page comes from the same one pass
    assert _names(staff_client.get("/restaurants/?q=noodle&page=x"))[0] == "Noodle 000"
    assert "0 found" in staff_client.get("/restaurants/?q=nothing-like-it").content.decode()
