"""Throttling before sending: the platform's real limits hold for all workers together."""

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.budgets import LATE_SECONDS, DatabaseBudgets
from integrations.models import ApiFailure, RateBudget
from integrations.simulator.limits import RateLimits
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


def test_a_take_that_read_the_clock_before_the_next_slice_began_does_not_rewind_it():
    # Process A reads its clock just before second 101, process B just after;
    # B's take is stored first. A's stale take must not reset second 101's count.
    budgets, limits = DatabaseBudgets(), Limits(3, 10_000, 900)
    assert budgets.take("restaurant:a", 101.01, limits) == 0  # B
    assert budgets.take("restaurant:a", 100.99, limits) == 0  # A, stored after B
    assert budgets.take("restaurant:a", 101.02, limits) == 0
    assert budgets.take("restaurant:a", 101.03, limits) > 0  # 3 sent in second 101 already


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=0.1),  # pause before the next try
            # How long before its take was stored the worker read its clock (another
            # worker may have stored a take in between), and how long the request
            # then took to reach the platform: together less than LATE_SECONDS.
            st.floats(min_value=0, max_value=LATE_SECONDS * 0.499),
            st.floats(min_value=0, max_value=LATE_SECONDS * 0.499),
        ),
        min_size=1,
        max_size=80,
    )
)
def test_the_platform_never_counts_more_than_the_budget_allowed(attempts):
    # Requests sent as the budget allows reach the platform's own counter
    # (the simulator's) up to LATE_SECONDS after their clock was read: it never
    # refuses one, though workers store their takes out of clock order.
    RateBudget.objects.all().delete()
    budgets, limits, now = DatabaseBudgets(), Limits(5, 10_000, 900), 1_000.0
    arrivals = []
    for pause, stale, in_flight in attempts:
        now += pause
        if budgets.take("restaurant:a", max(1_000.0, now - stale), limits) == 0:
            arrivals.append(now + in_flight)
    clock = iter(sorted(arrivals))
    platform = RateLimits(5, 10_000, 900, clock=lambda: next(clock))
    assert all(platform.check("restaurant:a")[0] for _ in arrivals)


def test_on_sqlite_budgets_are_taken_from_a_database_of_their_own(toast, sim):
    if "budgets" not in django_settings.DATABASES:
        pytest.skip("one database (PostgreSQL): budgets share it, and its writers do not queue")
    guid = connected_guids(sim)[0]
    toast.restaurant_info(guid)

    assert RateBudget.objects.using("budgets").filter(bucket=f"restaurant:{guid}").exists()
    main_tables = connections["default"].introspection.table_names()
    assert RateBudget._meta.db_table not in main_tables


def _synchronous_commit():
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="PostgreSQL's commit setting"
)
def test_a_take_commits_without_waiting_for_the_disk_and_only_itself():
    budgets, limits = DatabaseBudgets(), Limits(20, 25, 900)
    assert budgets.take("restaurant:a", 900_000.0, limits) == 0  # a transaction of its own
    assert _synchronous_commit() == "on"  # the connection's next transactions are durable
    with transaction.atomic():  # a caller's transaction (a webhook's event) stays durable
        assert budgets.take("restaurant:a", 900_000.0, limits) == 0
        assert _synchronous_commit() == "on"
    assert RateBudget.objects.get(bucket="restaurant:a").second_count == 2
