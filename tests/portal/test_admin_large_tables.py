"""The admin's change lists at scale: no second count of the whole table."""

import pytest

from portal.admin.large_tables import EstimatedCountPaginator
from restaurants.models import Restaurant

pytestmark = pytest.mark.django_db


def test_a_filtered_change_list_does_not_count_the_whole_table(admin_client, full):
    page = admin_client.get("/admin/restaurants/restaurant/?q=caf").content.decode()
    assert "Show all" in page and " total" not in page


def test_a_small_table_is_counted_exactly(full):
    assert EstimatedCountPaginator(Restaurant.objects.all(), 100).count == 1
