"""Failures: recorded for staff, transient ones retried with bounds, 4xx not retried."""

import pytest

from integrations.models import ApiFailure
from integrations.toast import errors
from integrations.toast.client import RetryPolicy
from tests.platform import connected_guids, control, make_client, stats

pytestmark = pytest.mark.django_db(transaction=True)

RESTAURANT_PATH = "GET /restaurants/v1/restaurants/{guid}"


def every_restaurant_request_answers(status, toast, sim):
    """A connected restaurant's GUID, once the platform answers `status` to every request
    after the login."""
    guid = connected_guids(sim)[0]
    toast.tokens.get(toast.login)
    control(sim, "PUT", "faults", json={"error_rate": 1.0, "error_status": status})
    return guid


def test_5xx_is_retried_a_bounded_number_of_times_and_recorded(toast, sim):
    guid = every_restaurant_request_answers(500, toast, sim)
    with pytest.raises(errors.TransientError) as raised:
        toast.restaurant_info(guid)
    assert raised.value.status == 500
    assert stats(sim)["requests"][RESTAURANT_PATH] == 3  # 1 + max_retries (2)
    failures = list(ApiFailure.objects.order_by("attempt"))
    assert [f.attempt for f in failures] == [1, 2, 3]
    assert [f.will_retry for f in failures] == [True, True, False]
    assert all(f.status_code == 500 and f.request_id for f in failures)
    assert {str(f.restaurant_guid) for f in failures} == {guid}
    assert failures[0].endpoint == "/restaurants/v1/restaurants/{guid}"


def test_transient_failures_then_success(sim):
    toast = make_client(sim, retry=RetryPolicy(max_retries=5, backoff_base=0.01))
    guids = connected_guids(sim)
    control(sim, "PUT", "faults", json={"error_rate": 0.2, "error_status": 503})
    assert [toast.restaurant_info(g)["guid"] for g in guids] == guids
    assert ApiFailure.objects.filter(status_code=503, will_retry=True).exists()


def test_404_is_not_retried(toast, sim):
    missing = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(errors.NotFound):
        toast.restaurant_info(missing)
    assert stats(sim)["requests"][RESTAURANT_PATH] == 1
    failure = ApiFailure.objects.get()
    assert (failure.status_code, failure.will_retry) == (404, False)


def test_a_redirect_is_an_error_not_followed_nor_read_as_data(toast, sim):
    guid = every_restaurant_request_answers(302, toast, sim)
    with pytest.raises(errors.ApiError) as raised:
        toast.restaurant_info(guid)
    assert raised.value.status == 302
    assert stats(sim)["requests"][RESTAURANT_PATH] == 1
    assert ApiFailure.objects.get().will_retry is False


def test_connection_refused_is_transient_and_recorded(sim):
    from tests.platform import make_client

    toast = make_client(sim, base_url="http://127.0.0.1:9")  # nothing listens on discard
    with pytest.raises(errors.TransientError):
        toast.partner_restaurants()
    assert set(ApiFailure.objects.values_list("kind", flat=True)) == {"connection"}


def test_a_hostname_without_scheme_is_a_configuration_error_at_once(sim):
    with pytest.raises(errors.NotConfigured, match="TOAST_API_HOSTNAME is not a URL"):
        make_client(sim, base_url="ws-api.toasttab.com")


def test_partners_pages_are_all_read(toast, sim):
    listed = list(toast.connected_restaurants(page_size=5))
    guids = [record["restaurantGuid"] for record in listed]
    assert (
        len(guids)
        == len(set(guids))
        == len([r for r in control(sim, "GET", "restaurants") if r["access"] == "connected"])
    )
    assert stats(sim)["requests"]["GET /partners/v1/connectedRestaurants"] >= 2


def test_bodies_that_are_not_json_or_not_unicode_are_malformed_and_recorded(sim):
    toast = make_client(sim, retry=RetryPolicy(max_retries=0))
    guid = connected_guids(sim)[0]
    control(sim, "PUT", "faults", json={"malformed_rate": 1.0})  # each broken kind in turn
    refused = []
    for _ in range(6):
        try:
            toast.restaurant_info(guid)
        except errors.MalformedResponse as exc:
            refused.append(str(exc))
    assert len(refused) == 2
    assert any("not JSON" in message for message in refused)
    assert any("general.name: text that is not valid Unicode" in m for m in refused)
    failures = ApiFailure.objects.filter(kind="malformed", restaurant_guid=guid)
    assert sorted(failures.values_list("message", flat=True)) == sorted(refused)
