"""The restaurant availability API as the simulator serves it and the client reads it,
over real HTTP: the published shape, the same auth, headers, limits and error bodies
as the other endpoints, and broken bodies recorded as failures."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from integrations.models import ApiFailure
from integrations.toast import errors
from tests.platform import (
    GENEROUS_LIMITS,
    connected_guids,
    control,
    get,
    login,
    running_simulator,
)

pytestmark = pytest.mark.django_db

SIMULATOR_CONFIG = GENEROUS_LIMITS
AVAILABILITY = "/restaurant-availability/v1/availability"
ERROR_KEYS = {"status", "code", "message", "requestId", "developerMessage", "errors"}


def test_a_restaurant_without_events_is_online_in_the_published_shape(api, simulator):
    guid = connected_guids(simulator)[0]
    control(simulator, "POST", f"restaurants/{guid}/availability", json={"status": "ONLINE"})

    answer = get(api, simulator, AVAILABILITY, restaurant=guid)

    assert answer.status_code == 200
    assert answer.json() == {
        "restaurantGuid": guid,
        "status": "ONLINE",
        "reasonKey": "AVAILABILITY_ONLINE",
        "reason": "Restaurant can accept online orders",
    }
    assert {"X-Toast-RateLimit-By", "X-Toast-RateLimit-Remaining"} <= set(answer.headers)


def test_the_control_endpoint_takes_a_restaurant_offline_with_its_reason(api, simulator):
    guid = connected_guids(simulator)[1]
    path = f"restaurants/{guid}/availability"

    control(simulator, "POST", path, json={"status": "OFFLINE", "reason": "Device asleep"})
    offline = get(api, simulator, AVAILABILITY, restaurant=guid).json()
    control(simulator, "POST", path, json={"status": "ONLINE"})
    online = get(api, simulator, AVAILABILITY, restaurant=guid).json()

    assert (offline["status"], offline["reasonKey"], offline["reason"]) == (
        "OFFLINE",
        "AVAILABILITY_OFFLINE",
        "Device asleep",
    )
    assert online["status"] == "ONLINE"
    bad = requests.post(f"{simulator.url}/_simulator/{path}", json={"status": "CLOSED"}, timeout=5)
    assert bad.status_code == 400


def test_it_answers_errors_like_the_other_endpoints(api, simulator):
    rows = control(simulator, "GET", "restaurants")
    removed = next(row["guid"] for row in rows if row["access"] == "removed")
    unknown = "00000000-0000-0000-0000-000000000001"

    answers = {
        "no header": get(api, simulator, AVAILABILITY),
        "removed": get(api, simulator, AVAILABILITY, restaurant=removed),
        "unknown": get(api, simulator, AVAILABILITY, restaurant=unknown),
        "no token": requests.get(
            f"{simulator.url}{AVAILABILITY}",
            headers={"Toast-Restaurant-External-ID": removed},
            timeout=5,
        ),
    }

    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {"no header": 400, "removed": 403, "unknown": 404, "no token": 401}
    for answer in answers.values():
        assert set(answer.json()) >= ERROR_KEYS


def test_its_rate_limit_is_per_restaurant_location():
    with running_simulator(restaurants=8) as simulator:  # the platform's default limits
        first, second = connected_guids(simulator)[:2]
        session = requests.Session()
        api = _logged_in(simulator)

        def fetch(guid):
            headers = {**api, "Toast-Restaurant-External-ID": guid}
            return session.get(f"{simulator.url}{AVAILABILITY}", headers=headers, timeout=10)

        time.sleep(1 - time.time() % 1 + 0.01)  # start of a fresh one-second slice
        start = time.time()
        with ThreadPoolExecutor(8) as pool:
            statuses = [answer.status_code for answer in pool.map(fetch, [first] * 30)]
        # A loaded machine may spread the burst over more than one slice of 20.
        slices = int(time.time()) - int(start) + 1
        assert statuses.count(200) + statuses.count(429) == 30
        assert 20 <= statuses.count(200) <= 20 * slices, slices
        assert statuses.count(429) >= 1 or slices > 1
        assert fetch(second).status_code == 200


def test_the_client_reads_the_availability(toast, sim):
    guid = connected_guids(sim)[2]
    control(sim, "POST", f"restaurants/{guid}/availability", json={"reason": "Snoozed"})

    availability = toast.restaurant_availability(guid)

    assert (availability.restaurant_guid, availability.status) == (guid, "OFFLINE")
    assert (availability.online, availability.reason) == (False, "Snoozed")


def test_a_broken_body_is_a_recorded_failure_never_an_answer(toast, sim):
    guid = connected_guids(sim)[3]
    control(sim, "PUT", "faults", json={"malformed_availability_rate": 1.0})

    for _ in range(5):  # every kind of broken body, one after the other
        with pytest.raises(errors.MalformedResponse):
            toast.restaurant_availability(guid)

    failures = ApiFailure.objects.filter(endpoint=AVAILABILITY, restaurant_guid=guid)
    assert failures.count() == 5
    assert {failure.kind for failure in failures} == {"malformed"}
    messages = " | ".join(failure.message for failure in failures)
    assert "PAUSED" in messages and "not an object" in messages


def _logged_in(simulator):
    return {"Authorization": f"Bearer {login(simulator.url)}"}
