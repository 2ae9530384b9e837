"""The onboarding pages run the same queries with 7 restaurants as with 10,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.portal.onboarding.rows import many

pytestmark = pytest.mark.django_db

PAGES = [
    "/onboarding/",
    "/onboarding/?owner=me",
    "/onboarding/column/live/?offset=25",
    "/onboarding/column/live/?offset=25&fragment=1",
    "/onboarding/mine/",
    "/",
    "/restaurants/",
]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_onboarding_pages_run_fixed_queries_at_10_000_restaurants(
    staff_client, staff_user, django_assert_num_queries
):
    many(7 * 30, owner=staff_user)  # every column more than its first cards, every list filled
    few = {url: _queries(staff_client, url) for url in PAGES}
    many(10_000, owner=staff_user)
    for url in PAGES:
        with django_assert_num_queries(few[url]):
            assert staff_client.get(url).status_code == 200, url
    # session, user, permissions (2), counts, 7 columns, checklists, owners, groups
    assert few["/onboarding/"] == 15
