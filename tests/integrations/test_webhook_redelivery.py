"""Over loopback: the simulator posts as the platform's own material shows it (the
guide's loosely typed details, retries 5 and 10 scaled minutes later with
Toast-Attempt-Number) to the portal's live server, which keeps one event."""

import time

import pytest

from integrations.models import WebhookEvent
from integrations.simulator import Published
from integrations.tasks import process_webhook_event
from restaurants.models import Connection
from tests.platform import control, running_simulator, simulator_process

pytestmark = pytest.mark.django_db(transaction=True)

MINUTE = 0.02  # seconds per simulated minute: retries after 0.1 s and 0.3 s


def webhook_url(live_server):
    return f"{live_server.url}/webhooks/toast/partners"


def posting_to(live_server, **published):
    """A simulator posting to the live server, with these Published options on."""
    url = webhook_url(live_server)
    return running_simulator(restaurants=3, webhook_url=url, published=Published(**published))


def assert_applied(event, guid):
    process_webhook_event(event.pk)
    assert Connection.objects.get(pk=guid).status == Connection.Status.CONNECTED


def wait_for_deliveries(count, seconds=10):
    """The one event, once `count` deliveries of it have arrived."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        events = list(WebhookEvent.objects.all())
        if len(events) == 1 and events[0].deliveries >= count:
            return events[0]
        time.sleep(0.02)
    raise AssertionError(f"expected one event delivered {count} times, got {events}")


def test_loose_details_from_the_simulator_are_kept_and_connect(live_server):
    with posting_to(live_server) as sim:
        control(sim, "PUT", "published", json={"loose_webhook_details": True})
        answer = control(sim, "POST", "restaurants")

    assert answer["status"] == 200
    event = WebhookEvent.objects.get()
    details = event.payload["details"]
    assert isinstance(details["restaurantLatitude"], str)
    assert details["restaurantLongtitude"] == details["restaurantLongitude"]
    assert details["scopes"] and details["createdByFirstName"] is None
    assert_applied(event, answer["guid"])


def test_retries_minutes_later_are_one_event_with_its_attempts(live_server):
    with posting_to(live_server, redelivery_minute_seconds=MINUTE) as sim:
        answer = control(sim, "POST", "restaurants")
        event = wait_for_deliveries(3)

    assert answer["status"] == 200
    assert (event.deliveries, event.attempt_number) == (3, 3)
    assert_applied(event, answer["guid"])


def test_the_command_serves_both_options(live_server):
    options = ["--webhook-url", webhook_url(live_server), "--loose-webhook-details"]
    with simulator_process(3, *options, "--redelivery-minute-seconds", str(MINUTE)) as url:
        control(type("Sim", (), {"url": url}), "POST", "restaurants")
        event = wait_for_deliveries(3)

    assert (event.deliveries, event.attempt_number) == (3, 3)
    assert "scopes" in event.payload["details"]
