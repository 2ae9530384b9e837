"""The partners webhook answers every input with a deliberate 2xx or 4xx, never 5xx.

The platform pauses a subscription after 50 failed deliveries in 5 minutes, so
a 500 on odd input (before or after the signature check) would cut the portal
off from every restaurant. These post to the real view, on both databases.
"""

import datetime
import json
import socket
import uuid

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from integrations.models import WebhookEvent
from integrations.signing import sign

from .events import WEBHOOK_URL, partner_event

pytestmark = pytest.mark.django_db

RESTAURANT = uuid.UUID("e728cd53-2fa7-4e63-8f8f-93e78ea66b03")


def post(body, *, timestamp=None, signature=None, **headers):
    """POSTs raw `body` signed with `timestamp` (unless `signature` is given); the
    answer is what the platform would see: a crash is a 500, not an exception."""
    if signature is None:
        signature = sign(settings.TOAST_WEBHOOK_SECRET, body, timestamp or "")
    client = Client(raise_request_exception=False)
    meta = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    meta.pop("HTTP_CONTENT_LENGTH", None)
    if "Content-Length" in headers and not _promises_more(headers["Content-Length"], body):
        meta["CONTENT_LENGTH"] = headers["Content-Length"]
    return client.post(
        WEBHOOK_URL,
        body,
        content_type="application/json",
        HTTP_TOAST_SIGNATURE=signature,
        **meta,
    )


def _promises_more(length, body):
    """A count beyond the body but within the limit: a real server waits for the rest
    (no peer can send it and stop), and the test client's payload refuses to be read."""
    text = length.strip()
    limit = settings.TOAST_WEBHOOK_MAX_BYTES
    return text.isascii() and text.isdigit() and len(body) < int(text) <= limit


def post_message(message, **headers):
    body = json.dumps(message).encode()
    return post(body, timestamp=message["timestamp"], **headers)


def nested(depth):
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize("depth", [100, 900, 5_000, 10_000])
def test_json_nested_thousands_deep_is_400(depth):
    body = nested(depth)

    response = post(body, timestamp="2026-01-01T00:00:00.000Z")

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_deep_details_of_a_signed_event_are_400_not_a_crash_of_the_database():
    message = partner_event("partner_added", RESTAURANT)
    deep = '{"a": ' * 500 + "1" + "}" * 500
    text = json.dumps(message).replace(
        '"restaurantName": ', f'"scopes": {deep}, "restaurantName": '
    )

    response = post(text.encode(), timestamp=message["timestamp"])

    assert response.status_code == 400
    assert "nested" in response.json()["message"]


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "", " 12", "99999999999999999999999"])
def test_a_content_length_that_is_not_a_count_gets_no_5xx(length):
    message = partner_event("partner_added", RESTAURANT)

    response = post_message(message, **{"Content-Length": length})

    assert response.status_code in (200, 400, 413)


def test_a_content_length_that_is_not_a_number_is_400():
    response = post_message(partner_event("partner_added", RESTAURANT), **{"Content-Length": "abc"})

    assert response.status_code == 400
    assert "Content-Length" in response.json()["message"]


@pytest.mark.django_db(transaction=True)
def test_over_real_http_a_content_length_that_is_not_a_number_is_400(live_server):
    address = (live_server.thread.host, live_server.thread.port)
    request = (
        f"POST /webhooks/toast/partners HTTP/1.1\r\nHost: {address[0]}\r\n"
        "Content-Type: application/json\r\nContent-Length: abc\r\n"
        "Toast-Signature: bm90IHRoZSBzaWduYXR1cmU=\r\nConnection: close\r\n\r\n{}"
    ).encode()
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(request)
        answer = b"".join(iter(lambda: connection.recv(65536), b""))

    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b"Content-Length is not a number" in answer


@pytest.mark.parametrize(
    "where",
    [
        {"restaurantName": "Caf\x00e"},
        {"scopes": ["restaurants:read", "bad\x00scope"]},
        {"note\x00key": 1},
    ],
    ids=["known-field", "unknown-field", "key"],
)
def test_a_nul_character_in_details_is_400_naming_the_field_on_both_databases(where):
    message = partner_event("partner_added", RESTAURANT, **where)

    response = post_message(message)

    assert response.status_code == 400
    assert "NUL" in response.json()["message"]
    assert "details." in response.json()["message"]
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("signature", ["ÿÿÿ", "é" * 44, "\x00"])
def test_a_signature_that_is_not_base64_text_is_401(signature):
    response = post_message(partner_event("partner_added", RESTAURANT), signature=signature)

    assert response.status_code == 401


@pytest.mark.parametrize(
    "timestamp",
    [
        "9999-12-31T23:59:59.999-12:00",
        "0001-01-01T00:00:00.000+14:00",
        "2026-02-30T00:00:00Z",
        "2026-01-01T00:00:00+99:00",
    ],
)
def test_a_timestamp_out_of_range_is_400(timestamp):
    message = {**partner_event("partner_added", RESTAURANT), "timestamp": timestamp}

    response = post_message(message)

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


# --- any body, any header -----------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40)
event_fields = st.sampled_from(["timestamp", "eventCategory", "eventType", "guid", "details"])
detail_fields = st.sampled_from(
    [
        *("restaurantGuid", "managementGroupGuid", "restaurantName", "createdDate"),
        *("modifiedDate", "isoModifiedDate", "restaurantLatitude", "scopes", "deleted"),
    ]
)


@st.composite
def messages(draw):
    """A valid event with a few fields (top level or in details) replaced by anything."""
    message = partner_event(draw(st.sampled_from(["partner_added", "partner_removed"])), RESTAURANT)
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            message[draw(event_fields)] = draw(json_values)
        elif isinstance(message.get("details"), dict):
            message["details"][draw(detail_fields)] = draw(json_values)
    return message


@st.composite
def deliveries(draw):
    """(body, timestamp to sign with, headers): mostly signed events, some raw bytes."""
    if draw(st.integers(0, 4)) == 0:
        body = draw(st.binary(max_size=200) | st.just(b"[" * 3_000))
        timestamp = ""
    else:
        message = draw(messages())
        body = json.dumps(message).encode()
        stamp = message.get("timestamp")
        timestamp = stamp if isinstance(stamp, str) else json.dumps(stamp)
        # A lone surrogate cannot be signed (nor sent by any HTTP client).
        timestamp = timestamp.encode("utf-8", "replace").decode()
    headers = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "Toast-Attempt-Number": header_text,
                "Toast-Event-Category": header_text,
                "Toast-Event-Type": header_text,
                "Content-Length": header_text,
            },
        )
    )
    return body, timestamp, headers


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(delivery=deliveries(), signed=st.booleans())
def test_no_input_earns_a_3xx_or_5xx(delivery, signed):
    body, timestamp, headers = delivery
    signature = None if signed else "bm90IHRoZSBzaWduYXR1cmU="
    response = post(body, timestamp=timestamp, signature=signature, **headers)

    assert 200 <= response.status_code < 300 or 400 <= response.status_code < 500, (
        response.status_code,
        response.content[:200],
    )


def test_a_timestamp_far_back_is_no_reason_to_refuse():
    message = partner_event("partner_added", RESTAURANT)
    old = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=400)
    message["timestamp"] = old.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    assert post_message(message).status_code == 200
