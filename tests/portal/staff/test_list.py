"""The restaurant list: search, filters, sorting, pagination, CSV, and a fixed query count."""

import csv
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from restaurants.models import Connection, Restaurant
from tests.stored import make_restaurant, set_status

pytestmark = pytest.mark.django_db


def _names(response):
    return [r.name or str(r.guid) for r in response.context["page"].object_list]


@pytest.fixture
def mix(full):
    make_restaurant(name="Zebra Grill", timeZone="America/Chicago")
    removed = make_restaurant(name="Gone Diner")
    set_status(removed["guid"], Connection.Status.REMOVED)
    Restaurant.objects.create(guid=uuid.uuid4(), name="Prospect Pizza")
    stale = make_restaurant(name="Old Data Cafe")
    Restaurant.objects.filter(pk=stale["guid"]).update(
        last_fetched_at=timezone.now() - timezone.timedelta(days=3), last_error="boom"
    )
    return full


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=zebra", ["Zebra Grill"]),
        ("q=store-42", ["Café Ünïcode — 東京ラーメン"]),
        ("status=removed", ["Gone Diner"]),
        ("status=prospect", ["Prospect Pizza"]),
        ("tz=America/Chicago", ["Zebra Grill"]),
        # Connected only, as the dashboard counts: a prospect is never fetched, not stale.
        ("freshness=stale", ["Old Data Cafe"]),
        ("status=connected&freshness=stale", ["Old Data Cafe"]),
        ("freshness=fresh", ["Café Ünïcode — 東京ラーメン", "Zebra Grill", "Gone Diner"]),
        ("freshness=never", ["Prospect Pizza"]),
        ("errors=yes", ["Old Data Cafe"]),
        ("delivery=no", []),
        ("ordering=yes&status=removed", ["Gone Diner"]),
        ("progress=not-started", ["Prospect Pizza"]),
    ],
)
def test_each_filter_shows_only_its_restaurants(staff_client, mix, query, expected):
    response = staff_client.get(f"/restaurants/?{query}")
    assert sorted(_names(response)) == sorted(expected)


def test_search_by_guid_and_group(staff_client, mix):
    guid = mix["guid"]
    assert len(_names(staff_client.get(f"/restaurants/?q={guid}"))) == 1
    group = mix["general"]["managementGroupGuid"]
    assert len(_names(staff_client.get(f"/restaurants/?group={group}"))) == 4


def test_the_list_sorts_and_counts_what_it_found(staff_client, mix):
    response = staff_client.get("/restaurants/?sort=-name")
    names = _names(response)
    assert names == sorted(names, reverse=True)
    assert "5 found" in response.content.decode()


def test_the_list_shows_fifty_restaurants_a_page(staff_client, full):
    for n in range(60):
        Restaurant.objects.create(guid=uuid.uuid4(), name=f"R{n:03d}")
    first = staff_client.get("/restaurants/?sort=name")
    second = staff_client.get("/restaurants/?sort=name&page=2")
    assert len(_names(first)) == 50 and len(_names(second)) == 11
    assert "page=2" in first.content.decode()


def test_csv_export_of_the_filtered_list(staff_client, mix):
    response = staff_client.get("/restaurants/?status=connected&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = _decoded(response)
    assert rows[0][:3] == ["GUID", "Name", "Location"]
    assert sorted(row[1] for row in rows[1:]) == sorted(
        ["Café Ünïcode — 東京ラーメン", "Zebra Grill", "Old Data Cafe"]
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_query_count_does_not_grow_with_rows(staff_client, full):
    small = _queries(staff_client, "/restaurants/")
    Restaurant.objects.bulk_create(
        (
            Restaurant(guid=uuid.uuid4(), name=f"Bulk {n}", time_zone="America/Denver")
            for n in range(10_000)
        ),
        batch_size=1000,
    )
    assert _queries(staff_client, "/restaurants/") == small
    assert _queries(staff_client, "/restaurants/?page=7&sort=-fetched") == small


def test_sort_headers_keep_the_filters_and_flip(staff_client, mix):
    page = staff_client.get("/restaurants/?status=connected&sort=name").content.decode()
    assert 'href="?status=connected&amp;sort=-name"' in page  # sorted A-Z: next click Z-A
    assert 'href="?status=connected&amp;sort=-fetched"' in page
    assert "Sort: Name A–Z" in page
    names = _names(staff_client.get("/restaurants/?sort=-progress"))
    assert names[-1] == "Prospect Pizza"  # nothing done yet


def test_malformed_filters_filter_nothing(staff_client, mix):
    for query in ["group=not-a-guid", "sort=drop-table", "page=999", "delivery=maybe", "q=%20"]:
        response = staff_client.get(f"/restaurants/?{query}")
        assert response.status_code == 200, query
        assert response.context["page"].paginator.count == 5, query


def test_search_by_external_group_ref_and_location_code(staff_client, mix):
    Connection.objects.filter(restaurant__name="Zebra Grill").update(external_group_ref="grp-77")
    assert _names(staff_client.get("/restaurants/?q=GRP-77")) == ["Zebra Grill"]
    assert len(_names(staff_client.get("/restaurants/?q=HSQ"))) == 4  # the fixture's code


def test_csv_cells_cannot_run_as_spreadsheet_formulas(staff_client, full):
    Restaurant.objects.filter(pk=full["guid"]).update(name='=HYPERLINK("http://evil")')
    assert _csv_rows(staff_client)[1][1] == '\'=HYPERLINK("http://evil")'


@pytest.mark.parametrize(
    "name",
    [
        " =1+1",
        "\n=1+1",
        "\r\n+1",
        "  \t-1",
        "\u3000@SUM(A1)",
        "\uff1dHYPERLINK(1)",
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(A1)",
        " \ufe66 1",
        "\tTab",
    ],
)
def test_csv_cells_hiding_a_formula_behind_spaces_or_wide_signs_are_defused(
    staff_client, full, name
):
    Restaurant.objects.filter(pk=full["guid"]).update(name=name)
    assert _csv_rows(staff_client)[1][1] == "'" + name


@pytest.mark.parametrize("name", ["Joe's Diner", " Spaced", "A=B", "\uff21 wide letter", ""])
def test_csv_cells_without_a_formula_are_kept_as_they_are(staff_client, full, name):
    Restaurant.objects.filter(pk=full["guid"]).update(name=name)
    assert _csv_rows(staff_client)[1][1] == name


def _csv_rows(client, query="format=csv"):
    return _decoded(client.get(f"/restaurants/?{query}"))


def _decoded(response):
    """The CSV's rows; it starts with a UTF-8 byte-order mark, for spreadsheets."""
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
