"""Open enums: a rate-limit scope the portal has never seen changes nothing."""

import pytest
from django.core.cache import cache

from integrations.models import ApiFailure, RateBudget
from tests.platform import connected_guids, make_client, running_simulator, stats

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_unknown_rate_limit_scope_is_followed_like_any_other(settings):
    # Three a second for each restaurant: the fourth fetch waits for the next slice.
    with running_simulator(
        restaurants=4, groups=1, rate_limit_by="LOCATION_GROUP_V2", rate_per_second=3
    ) as sim:
        settings.TOAST_API_HOSTNAME = sim.url
        cache.clear()  # no token of another simulator
        toast = make_client(sim)
        guid = connected_guids(sim)[0]

        fetched = [toast.restaurant_info(guid)["guid"] for _ in range(5)]
        counts = stats(sim)

    assert fetched == [guid] * 5
    assert counts["requests"]["GET /restaurants/v1/restaurants/{guid}"] >= 5
    assert not ApiFailure.objects.exclude(status_code=429).exists()
    # The platform's count (Remaining 0 until the next slice) paused the budget.
    assert RateBudget.objects.get(bucket=f"restaurant:{guid}").paused_until > 0
