"""Throttling before sending: the platform's real limits hold for all workers together."""

import pytest

from integrations.budgets import DatabaseBudgets
from integrations.models import ApiFailure, RateBudget
from integrations.toast.errors import Throttled
from integrations.toast.ratelimit import Limits
from tests.platform import connected_guids, control, stats

from .processes import run_in_processes

pytestmark = pytest.mark.django_db(transaction=True)


def _hammer(url, guids, rounds):
    from tests.platform import make_client as build

    toast = build(type("Sim", (), {"url": url}))
    for _ in range(rounds):
        for guid in guids:
            toast.restaurant_info(guid)


def test_four_processes_at_full_speed_get_no_429(sim):
    # Three restaurants, 4 x 15 rounds: 60 requests each, three times their 20/s budget.
    guids = connected_guids(sim)[:3]
    assert run_in_processes(_hammer, [(sim.url, guids, 15)] * 4) == [0, 0, 0, 0]
    counts = stats(sim)
    assert counts["statuses"].get("429", 0) == 0
    assert counts["requests"]["GET /restaurants/v1/restaurants/{guid}"] == 4 * 15 * 3


def test_429_bursts_pause_the_budget_then_resume(toast, sim):
    control(sim, "PUT", "faults", json={"burst_429_every": 6, "burst_429_length": 2})
    guids = connected_guids(sim)
    fetched = [toast.restaurant_info(guid)["guid"] for guid in guids]
    assert fetched == guids
    counts = stats(sim)
    assert counts["statuses"]["429"] >= 1
    assert ApiFailure.objects.filter(status_code=429, will_retry=True).exists()


def test_rate_limit_headers_are_followed(toast, sim):
    # A remaining budget of zero pauses that budget until the platform's reset.
    guid = connected_guids(sim)[0]
    toast.tokens.get(toast.login)
    toast.limiter.observe(
        f"restaurant:{guid}",
        {"X-Toast-RateLimit-Remaining": "0", "X-Toast-RateLimit-Reset": "4102444800"},
    )
    assert RateBudget.objects.get(bucket=f"restaurant:{guid}").paused_until == 4102444800
    toast.limiter.max_wait_seconds = 1
    before = stats(sim)["requests"]
    with pytest.raises(Throttled):
        toast.restaurant_info(guid)
    assert stats(sim)["requests"] == before


def test_budgets_are_per_restaurant_per_second_and_per_window():
    budgets, limits, now = DatabaseBudgets(), Limits(20, 25, 900), 900_000.25
    assert [budgets.take("restaurant:a", now, limits) for _ in range(20)] == [0] * 20
    assert budgets.take("restaurant:a", now, limits) == pytest.approx(0.75)
    assert budgets.take("restaurant:b", now, limits) == 0  # its own budget
    assert [budgets.take("restaurant:a", now + 1, limits) for _ in range(5)] == [0] * 5
    # 25 in this 15-minute window: wait for the next window, not the next second.
    assert budgets.take("restaurant:a", now + 2, limits) == pytest.approx(900 - 2.25)
