"""Every kind of answer matches the platform's OpenAPI specs and the project's own schemas."""

import jsonschema
import pytest
import requests

from integrations.simulator import Published, Simulator, SimulatorConfig
from tests.payloads import pruned
from tests.platform import GENEROUS_LIMITS, control, get, login, login_answer

from .openapi import spec_schema
from .schemas import schema_for

SIMULATOR_CONFIG = GENEROUS_LIMITS


def _check(body, ours, spec, definition, array=False):
    jsonschema.validate(body, schema_for(ours))
    # The specs (Swagger 2.0) know no null: the platform leaves such keys out or sends null.
    jsonschema.Draft4Validator(spec_schema(spec, definition, array)).validate(pruned(body))


def _guids(simulator, **want):
    return [
        r["guid"]
        for r in control(simulator, "GET", "restaurants")
        if all(r[k] == v for k, v in want.items())
    ]


def test_the_login_answer_matches_the_specs(simulator):
    body = login_answer(simulator.url).json()
    _check(body, "AuthenticationResponse", "authentication", "AuthenticationResponse")


def test_the_partner_restaurants_answer_matches_the_specs(api, simulator):
    body = get(api, simulator, "/partners/v1/restaurants").json()
    assert body
    _check(body, "PartnerAccessList", "partners", "PartnerAccessExternalRep", array=True)


def test_a_connected_restaurants_page_matches_the_specs(api, simulator):
    body = get(api, simulator, "/partners/v1/connectedRestaurants", pageSize=7).json()
    assert len(body["results"]) == 7 and body["nextPageToken"]
    _check(body, "PaginatedResponse", "partners", "PaginatedResponse")


def test_connected_restaurants_as_the_openapi_file_types_them(api, simulator):
    control(simulator, "PUT", "published", json={"pages_as_array": True})
    body = get(api, simulator, "/partners/v1/connectedRestaurants", pageSize=7).json()
    assert len(body) == 1 and len(body[0]["results"]) == 7
    _check(body, "PaginatedResponseList", "partners", "PaginatedResponse", array=True)


def test_every_restaurant_info_matches_the_specs(api, simulator):
    for guid in _guids(simulator, access="connected"):
        body = get(
            api, simulator, f"/restaurants/v1/restaurants/{guid}", guid, includeArchived="true"
        )
        _check(body.json(), "RestaurantInfo", "restaurants", "RestaurantInfo")


def test_a_groups_restaurants_match_the_specs(api, simulator):
    guid = _guids(simulator, access="connected")[0]
    group = next(
        r["managementGroupGuid"]
        for r in control(simulator, "GET", "restaurants")
        if r["guid"] == guid
    )
    body = get(api, simulator, f"/restaurants/v1/groups/{group}/restaurants", guid).json()
    assert {"guid": guid} in body
    _check(body, "GroupRestaurants", "restaurants", "Restaurant", array=True)


@pytest.mark.parametrize(
    "request_kind, status",
    [
        ("no-header", 400),
        ("bad-page-size", 400),
        ("no-token", 401),
        ("removed", 403),
        ("unknown", 404),
        ("archived", 404),
    ],
)
def test_each_refusal_has_its_status_and_the_specs_error_shape(
    api, simulator, request_kind, status
):
    removed = _guids(simulator, access="removed")[0]
    archived = _guids(simulator, archived=True, access="connected")[0]
    path = "/restaurants/v1/restaurants/"
    response = {
        "no-header": lambda: get(api, simulator, path + archived),
        "bad-page-size": lambda: get(
            api, simulator, "/partners/v1/connectedRestaurants", pageSize=201
        ),
        "no-token": lambda: api.get(
            f"{simulator.url}/partners/v1/restaurants", headers={"Authorization": ""}
        ),
        "removed": lambda: get(api, simulator, path + removed, removed),
        "unknown": lambda: get(
            api, simulator, path + "0" * 8 + "-0000-4000-8000-" + "0" * 12, archived
        ),
        "archived": lambda: get(api, simulator, path + archived, archived),
    }[request_kind]()
    assert response.status_code == status
    _check(response.json(), "ErrorMessage", "authentication", "ErrorMessage")


def test_rate_limit_headers_on_every_answer(api, simulator):
    guid = _guids(simulator, access="connected", archived=False)[0]
    for response in (
        get(api, simulator, f"/restaurants/v1/restaurants/{guid}", guid),
        get(api, simulator, "/partners/v1/restaurants"),
        get(api, simulator, f"/restaurants/v1/restaurants/{guid}"),  # a 400
    ):
        assert response.headers["X-Toast-RateLimit-By"] in {"GLOBAL", "API", "ENDPOINT"}
        assert int(response.headers["X-Toast-RateLimit-Remaining"]) >= 0
        assert int(response.headers["X-Toast-RateLimit-Reset"]) > 1_700_000_000


def test_every_captured_restaurant_info():
    """RestaurantInfo as captured from real restaurants (Published.captured_deviations)
    still matches both: the deviations are what the reference allows, not errors."""
    config = SimulatorConfig(restaurants=30, seed=5, published=Published(captured_deviations=True))
    with Simulator(config) as captured:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {login(captured.url)}"
        bodies = [
            get(session, captured, f"/restaurants/v1/restaurants/{guid}", guid).json()
            for guid in _guids(captured, access="connected", archived=False)
        ]
    assert any(len(key) >= 16 for body in bodies for key in _day_schedule_keys(body))
    for body in bodies:
        _check(body, "RestaurantInfo", "restaurants", "RestaurantInfo")


def _day_schedule_keys(body):
    return (body.get("schedules") or {}).get("daySchedules") or {}
