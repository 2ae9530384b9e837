"""The admin's change lists at scale: no second count of the whole table."""

import uuid

import pytest

from portal.admin.large_tables import LargeTablePaginator
from restaurants.models import Restaurant

pytestmark = pytest.mark.django_db


def test_a_filtered_change_list_does_not_count_the_whole_table(admin_client, full):
    page = admin_client.get("/admin/restaurants/restaurant/?q=caf").content.decode()
    assert "Show all" in page and " total" not in page


def test_a_small_table_is_counted_exactly(full):
    assert LargeTablePaginator(Restaurant.objects.all(), 100).count == 1


def test_every_page_holds_its_rows_once_in_order(admin_client, full):
    """Pages read by key, the last ones counted back from the end: no row lost or twice."""
    Restaurant.objects.bulk_create(
        Restaurant(guid=uuid.uuid4(), name=f"R{n % 90:03d}") for n in range(250)
    )
    pages = [
        list(admin_client.get(f"/admin/restaurants/restaurant/?p={p}").context["cl"].result_list)
        for p in (1, 2, 3)
    ]
    assert [len(page) for page in pages] == [100, 100, 51]
    listed = [(r.name, r.guid) for page in pages for r in page]
    assert listed == sorted(listed) and len(set(listed)) == 251


def test_the_state_and_zone_filters_list_each_value_once(admin_client, full):
    for state in ("NY", "CA", "NY", None):
        Restaurant.objects.create(guid=uuid.uuid4(), name="R", state_code=state)
    page = admin_client.get("/admin/restaurants/restaurant/").content.decode()
    assert page.count("?state_code=NY") == 1 and page.count("?state_code=CA") == 1
    assert "?state_code__isnull=True" in page  # the prospects have no state
    assert page.count("?time_zone=") == 1  # the fixture's zone; the others have none
    assert "?time_zone__isnull=True" in page
    assert "?last_fetched_at__gte=" in page  # fetch dates as a filter, not a hierarchy
    ny = admin_client.get("/admin/restaurants/restaurant/?state_code=NY").context["cl"]
    assert [r.state_code for r in ny.result_list] == ["NY", "NY"]
