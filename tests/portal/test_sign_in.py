"""Brute-force protection on both sign-in forms (django-axes): lockout, cool-off, unlock."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
PORTAL, ADMIN = "/accounts/login/", "/admin/login/"


@pytest.fixture(autouse=True)
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    return 3


@pytest.fixture
def olivia(db):
    return User.objects.create_user("olivia", password=PASSWORD, is_staff=True)


def sign_in(form, password, address="127.0.0.1", **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(form, {"username": "olivia", "password": password})
    return response, client


def signed_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def guess(form, times):
    for _ in range(times):
        response, _client = sign_in(form, "wrong")
        assert response.status_code == 200  # the form again, with its error


def lock_out(form, limit):
    guess(form, limit - 1)
    locked, _ = sign_in(form, "wrong")
    assert locked.status_code == 429
    return locked


@pytest.mark.parametrize("form", [PORTAL, ADMIN])
def test_failures_up_to_the_limit_lock_the_user_out_from_that_address(olivia, limit, form):
    locked = lock_out(form, limit)

    page = locked.content.decode()
    assert "Sign-in paused" in page and "olivia" in page and "ask an administrator" in page
    assert 'href="/static/css/portal.css"' in page  # the portal's own look
    for either in (PORTAL, ADMIN):
        right, _ = sign_in(either, PASSWORD)
        assert right.status_code == 429 and not signed_in(right), either


def test_the_same_user_from_another_address_still_signs_in(olivia, limit):
    lock_out(PORTAL, limit)
    response, _ = sign_in(PORTAL, PASSWORD, address="10.0.0.2")
    assert signed_in(response)


def test_a_forwarded_for_header_does_not_choose_the_address(olivia, limit):
    lock_out(PORTAL, limit)
    response, _ = sign_in(PORTAL, PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.3")
    assert response.status_code == 429


def test_behind_the_tls_proxy_the_address_it_appended_counts(olivia, limit, settings):
    settings.AXES_CLIENT_IP_CALLABLE = "portal.client_address.behind_tls_proxy"
    for _ in range(limit):
        sign_in(PORTAL, "wrong", HTTP_X_FORWARDED_FOR="10.9.9.9, 10.0.0.7")
    spoofed, _ = sign_in(PORTAL, PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.8, 10.0.0.7")
    other, _ = sign_in(PORTAL, PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.7, 10.0.0.8")
    assert spoofed.status_code == 429 and signed_in(other)


def test_a_success_before_the_limit_resets_the_count(olivia, limit):
    guess(PORTAL, limit - 1)
    assert signed_in(sign_in(PORTAL, PASSWORD)[0])
    guess(PORTAL, limit - 1)
    assert signed_in(sign_in(PORTAL, PASSWORD)[0])


def test_the_lockout_ends_after_the_cool_off(olivia, limit):
    lock_out(PORTAL, limit)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert signed_in(sign_in(PORTAL, PASSWORD)[0])


def test_an_admin_sees_the_lockout_and_unlocks_it_in_the_admin(olivia, limit, admin_client):
    lock_out(PORTAL, limit)
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "olivia" in listing.content.decode()

    attempt = AccessAttempt.objects.get(username="olivia")
    admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert not AccessAttempt.objects.exists()
    assert signed_in(sign_in(PORTAL, PASSWORD)[0])


def test_an_admin_unlocks_a_user_with_the_reset_command(olivia, limit):
    lock_out(ADMIN, limit)
    call_command("axes_reset_username", "olivia", verbosity=0)
    assert signed_in(sign_in(PORTAL, PASSWORD)[0])
