"""connectedRestaurants read in every shape the platform publishes (pages.py)."""

import pytest

from tests.platform import connected_guids, control, stats

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = "GET /partners/v1/connectedRestaurants"


@pytest.mark.parametrize(
    "published",
    [
        {"pages_as_array": True},
        {"next_page_in_link_only": True},
        {"pages_as_array": True, "next_page_in_link_only": True},
    ],
    ids=["array-of-pages", "link-header-only", "both"],
)
def test_every_page_is_read_in_the_published_shapes(toast, sim, published):
    control(sim, "PUT", "published", json=published)
    guids = [record["restaurantGuid"] for record in toast.connected_restaurants(page_size=3)]
    assert sorted(guids) == sorted(connected_guids(sim, include_archived=True))
    assert stats(sim)["requests"][PAGES] == -(-len(guids) // 3)
