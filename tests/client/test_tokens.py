"""Tokens: one login per lifetime for the whole installation, renewed in the last minute."""

import logging

import pytest
from django.core.cache import cache

from integrations.toast.tokens import TokenCache
from tests.platform import connected_guids, control, make_client, stats

from .processes import run_in_processes

pytestmark = pytest.mark.django_db(transaction=True)


def _fetch_all(url, guids):
    from tests.platform import make_client as build

    toast = build(type("Sim", (), {"url": url}))
    for guid in guids:
        toast.restaurant_info(guid)


def test_four_worker_processes_share_one_login(sim):
    guids = connected_guids(sim)
    codes = run_in_processes(_fetch_all, [(sim.url, guids)] * 4)
    assert codes == [0, 0, 0, 0]
    counts = stats(sim)
    assert counts["logins"] == 1
    assert counts["statuses"].get("401", 0) == 0


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def test_new_token_is_requested_in_the_last_minute_of_its_life(sim):
    control(sim, "PUT", "faults", json={"token_ttl": 600})
    clock = Clock(1_000_000.0)
    toast = make_client(sim, tokens=TokenCache(cache, clock=clock))
    guid = connected_guids(sim)[0]
    toast.restaurant_info(guid)
    clock.now += 600 - 61  # 61 s left: keep it
    toast.restaurant_info(guid)
    assert stats(sim)["logins"] == 1
    clock.now += 2  # 59 s left: renew before it expires, not after a 401
    toast.restaurant_info(guid)
    counts = stats(sim)
    assert counts["logins"] == 2
    assert counts["statuses"].get("401", 0) == 0


def test_a_401_causes_one_relogin_and_retry(toast, sim):
    guid = connected_guids(sim)[0]
    toast.restaurant_info(guid)
    control(sim, "POST", "tokens/revoke")
    assert toast.restaurant_info(guid)["guid"] == guid
    counts = stats(sim)
    assert (counts["logins"], counts["statuses"]["401"]) == (2, 1)


def test_a_wrong_secret_fails_once_without_a_login_loop(sim):
    from integrations.toast import errors

    toast = make_client(sim, client_secret="not-the-secret")
    with pytest.raises(errors.AuthenticationFailed):
        toast.restaurant_info(connected_guids(sim)[0])
    assert stats(sim)["requests"].get("POST /authentication/v1/authentication/login") == 1


@pytest.mark.parametrize("expires_in", [0, -30, 10**12, "soon", None])
def test_nonsensical_lifetime_is_logged_and_never_a_login_loop(expires_in, caplog):
    logins = []

    def login():
        logins.append(1)
        return f"token-{len(logins)}-abcdefgh", expires_in

    tokens = TokenCache(cache)
    cache.clear()
    with caplog.at_level(logging.ERROR):
        values = {tokens.get(login).value for _ in range(50)}
    assert len(logins) == 1
    assert values == {"token-1-abcdefgh"}
    assert "nonsensical token lifetime" in caplog.text


def test_short_lifetimes_renew_at_half_life_not_on_every_call():
    logins = []
    clock = Clock(0.0)

    def login():
        logins.append(1)
        return "short-lived-token", 20

    tokens = TokenCache(cache, clock=clock)
    cache.clear()
    for step in range(40):  # 40 s of calls, one per second
        clock.now = float(step)
        tokens.get(login)
    assert len(logins) == 4  # renewed every 10 s
