"""Rate limits, pagination, tokens, faults and webhooks, seen from real HTTP clients."""

import datetime
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests

from integrations.signing import verify
from tests.platform import GENEROUS_LIMITS, control, get, login, login_answer, running_simulator

SIMULATOR_CONFIG = GENEROUS_LIMITS


def _connected(simulator):
    rows = control(simulator, "GET", "restaurants")
    return [r["guid"] for r in rows if r["access"] == "connected" and not r["archived"]]


def test_a_burst_for_one_restaurant_gets_429_and_another_restaurant_is_unaffected():
    with running_simulator(restaurants=8) as simulator:  # the platform's default limits
        first, second = _connected(simulator)[:2]
        headers = {"Authorization": f"Bearer {login(simulator.url)}"}

        def fetch(guid):
            return requests.get(
                f"{simulator.url}/restaurants/v1/restaurants/{guid}",
                headers={**headers, "Toast-Restaurant-External-ID": guid},
                timeout=10,
            )

        time.sleep(1 - time.time() % 1 + 0.01)  # start of a fresh one-second slice
        start = time.time()
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(fetch, [first] * 40))
        # A loaded machine may spread the burst over more than one slice of 20.
        slices = int(time.time()) - int(start) + 1
        statuses = [a.status_code for a in answers]
        assert statuses.count(200) + statuses.count(429) == 40
        assert 20 <= statuses.count(200) <= 20 * slices, slices
        assert statuses.count(429) >= 1 or slices > 1
        limited = next(a for a in answers if a.status_code == 429)
        assert int(limited.headers["Retry-After"]) >= 1
        assert limited.json()["status"] == "429"
        assert fetch(second).status_code == 200  # another restaurant, another budget


def test_pagination_returns_every_connection_exactly_once(api, simulator):
    seen, token, pages = [], None, 0
    while True:
        params = {"pageSize": 9, **({"pageToken": token} if token else {})}
        response = get(api, simulator, "/partners/v1/connectedRestaurants", **params)
        page = response.json()
        seen += [r["restaurantGuid"] for r in page["results"]]
        pages += 1
        token = page.get("nextPageToken")
        if not token:
            assert "Link" not in response.headers
            break
        assert f"pageToken={token}" in response.headers["Link"].replace("%3D", "=")
    expected = [
        r["guid"] for r in control(simulator, "GET", "restaurants") if r["access"] == "connected"
    ]
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    assert pages == -(-len(expected) // 9)


def test_last_modified_filters_by_the_connections_change_time(api, simulator):
    before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    guid = _connected(simulator)[0]
    control(simulator, "POST", f"restaurants/{guid}/update")
    since = before.strftime("%Y-%m-%dT%H:%M:%S.") + f"{before.microsecond // 1000:03d}-0000"
    listed = get(api, simulator, "/partners/v1/restaurants", lastModified=since).json()
    assert [r["restaurantGuid"] for r in listed] == [guid]
    assert get(api, simulator, "/partners/v1/restaurants", lastModified="soon").status_code == 400


def test_tokens_really_expire():
    with running_simulator(restaurants=3, token_ttl=1) as simulator:
        session = requests.Session()
        token = login_answer(simulator.url).json()["token"]
        assert token["expiresIn"] == 1
        headers = {"Authorization": f"Bearer {token['accessToken']}"}
        assert (
            session.get(f"{simulator.url}/partners/v1/restaurants", headers=headers).status_code
            == 200
        )
        time.sleep(1.1)
        assert (
            session.get(f"{simulator.url}/partners/v1/restaurants", headers=headers).status_code
            == 401
        )


def test_a_wrong_secret_gets_401(simulator):
    response = requests.post(
        f"{simulator.url}/authentication/v1/authentication/login",
        json={
            "clientId": simulator.client_id,
            "clientSecret": "nope",
            "userAccessType": "TOAST_MACHINE_CLIENT",
        },
        timeout=5,
    )
    assert response.status_code == 401 and response.json()["requestId"]


@pytest.mark.parametrize(
    "faults, expected",
    [
        ({"error_rate": 1.0, "error_status": 502}, {502}),
        ({"burst_429_every": 2, "burst_429_length": 1}, {200, 429}),
    ],
)
def test_injected_errors_and_429_bursts_reach_the_client(api, simulator, faults, expected):
    control(simulator, "PUT", "faults", json=faults)
    statuses = {get(api, simulator, "/partners/v1/restaurants").status_code for _ in range(6)}
    assert statuses == expected


def test_outage_window_and_latency(api, simulator):
    now = datetime.datetime.now(datetime.UTC)
    control(
        simulator,
        "PUT",
        "faults",
        json={
            "outage_start": (now - datetime.timedelta(seconds=1)).isoformat(),
            "outage_end": (now + datetime.timedelta(seconds=1)).isoformat(),
            "latency_ms": 50,
        },
    )
    started = time.monotonic()
    assert get(api, simulator, "/partners/v1/restaurants").status_code == 503
    assert time.monotonic() - started >= 0.05
    time.sleep(
        max(
            0,
            (
                now + datetime.timedelta(seconds=1.05) - datetime.datetime.now(datetime.UTC)
            ).total_seconds(),
        )
    )
    assert get(api, simulator, "/partners/v1/restaurants").status_code == 200


def test_malformed_bodies_cycle_through_every_kind(api, simulator):
    control(simulator, "PUT", "faults", json={"malformed_rate": 1.0})
    guid = _connected(simulator)[0]
    bodies = [
        get(api, simulator, f"/restaurants/v1/restaurants/{guid}", guid).content for _ in range(6)
    ]
    broken = [b for b in bodies if not _is_json(b)]
    assert len(broken) == 1
    texts = b"".join(b for b in bodies if _is_json(b))
    assert b"not-a-polyline" in texts and b"123.456" in texts and b"Mars/" in texts
    assert b"\\ud800" in texts
    control(simulator, "PUT", "faults", json={})
    assert _is_json(get(api, simulator, f"/restaurants/v1/restaurants/{guid}", guid).content)


def _is_json(body):
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


class _Receiver(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Receiver.received
    server.shutdown()


def test_webhooks_are_signed_as_the_platform_does(receiver):
    url, received = receiver
    with running_simulator(
        restaurants=4, webhook_url=url, webhook_secret="subscription-secret"
    ) as simulator:
        guid = _connected(simulator)[0]
        control(simulator, "POST", f"restaurants/{guid}/remove")
        control(simulator, "POST", "webhooks/resend")
        control(simulator, "POST", "webhooks/bad-signature")
    (headers, body), (_, again), (bad_headers, bad_body) = received
    event = json.loads(body)
    assert (event["eventType"], event["details"]["restaurantGuid"]) == ("partner_removed", guid)
    assert headers["Toast-Event-Type"] == "partner_removed"
    assert headers["Toast-Event-Category"] == "partner"
    assert verify("subscription-secret", body, event["timestamp"], headers["Toast-Signature"])
    assert again == body  # a re-delivery is the same event
    tampered = body.replace(b"partner_removed", b"partner_added")
    assert not verify(
        "subscription-secret", tampered, event["timestamp"], headers["Toast-Signature"]
    )
    bad_event = json.loads(bad_body)
    assert not verify(
        "subscription-secret", bad_body, bad_event["timestamp"], bad_headers["Toast-Signature"]
    )


def test_control_interface_refuses_unknown_requests(simulator):
    assert (
        requests.post(f"{simulator.url}/_simulator/nothing", json={}, timeout=5).status_code == 404
    )
    assert (
        requests.put(f"{simulator.url}/_simulator/faults", json={"bogus": 1}, timeout=5).status_code
        == 400
    )


def test_the_control_index_lists_every_endpoint_and_each_answers(simulator):
    """The control interface was documented only by pointing at a source file."""
    endpoints = control(simulator, "GET", "")["endpoints"]
    guid = _connected(simulator)[0]
    bodies = {"PUT": {}, "POST": {}}

    answers = {
        (e["method"], e["path"]): requests.request(
            e["method"],
            simulator.url + e["path"].replace("{guid}", guid),
            json=bodies.get(e["method"]),
            timeout=5,
        ).status_code
        for e in endpoints
        if e["path"] != "/_simulator/webhooks/resend"  # needs an event sent before
    }

    assert all(e["does"] for e in endpoints)
    assert ("GET", "/_simulator/") in answers and ("PUT", "/_simulator/faults") in answers
    assert len(answers) == len(endpoints) - 1 >= 15
    assert set(answers.values()) == {200}, answers
    # The index keeps the control interface's rules: no web page reads it.
    evil = {"Origin": "http://evil.example"}
    foreign = requests.get(f"{simulator.url}/_simulator/", headers=evil, timeout=5)
    assert foreign.status_code == 403


def _create_restaurant(simulator, **headers):
    """POST /_simulator/restaurants, a write that connects a new restaurant."""
    return requests.post(f"{simulator.url}/_simulator/restaurants", timeout=5, **headers)


def test_control_interface_is_driven_only_by_the_developers_own_tools(simulator):
    port = simulator.server.server_address[1]
    before = len(control(simulator, "GET", "restaurants"))
    refused = {
        "a web page's Origin": _create_restaurant(
            simulator, json={}, headers={"Origin": "http://evil.example"}
        ),
        "a sandboxed page": _create_restaurant(simulator, json={}, headers={"Origin": "null"}),
        "a rebound DNS name": _create_restaurant(
            simulator, json={}, headers={"Host": f"evil.example:{port}"}
        ),
        "another port": _create_restaurant(simulator, json={}, headers={"Host": "127.0.0.1:1"}),
        "a form post": _create_restaurant(
            simulator, data="a=1", headers={"Content-Type": "application/x-www-form-urlencoded"}
        ),
        "a text/plain post": _create_restaurant(
            simulator, data="{}", headers={"Content-Type": "text/plain"}
        ),
        "no content type": _create_restaurant(simulator),
    }
    assert {why: r.status_code for why, r in refused.items()} == {
        "a web page's Origin": 403,
        "a sandboxed page": 403,
        "a rebound DNS name": 403,
        "another port": 403,
        "a form post": 415,
        "a text/plain post": 415,
        "no content type": 415,
    }
    assert len(control(simulator, "GET", "restaurants")) == before
    same_origin = _create_restaurant(
        simulator,
        json={},
        headers={"Origin": f"http://localhost:{port}", "Host": f"localhost:{port}"},
    )
    assert same_origin.status_code == 200
    assert len(control(simulator, "GET", "restaurants")) == before + 1
