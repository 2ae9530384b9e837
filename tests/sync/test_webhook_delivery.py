"""End to end: the simulator posts signed partner events to the running portal."""

import pytest

from integrations.models import WebhookEvent
from integrations.tasks import process_webhook_event
from restaurants.models import Connection
from tests.platform import connected_guids, control
from tests.simulator_fixture import running_simulator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def posting_simulator(live_server):
    url = f"{live_server.url}/webhooks/toast/partners"
    with running_simulator(restaurants=6, groups=2, webhook_url=url) as sim:
        yield sim


def test_signed_events_are_accepted_and_applied(posting_simulator):
    sim = posting_simulator
    guid = connected_guids(sim)[0]
    answer = control(sim, "POST", f"restaurants/{guid}/remove")
    event = WebhookEvent.objects.get(event_type="partner_removed")
    assert str(event.restaurant_guid) == guid
    process_webhook_event(event.pk)
    assert Connection.objects.get(pk=guid).status == Connection.Status.REMOVED
    assert answer is not None


def test_duplicates_and_bad_signatures(posting_simulator):
    sim = posting_simulator
    guid = control(sim, "POST", "restaurants")["guid"]
    first = WebhookEvent.objects.get(restaurant_guid=guid)
    resent = control(sim, "POST", "webhooks/resend", json={"guid": str(first.guid)})
    assert resent["status"] == 200
    first.refresh_from_db()
    assert (WebhookEvent.objects.count(), first.deliveries) == (1, 2)
    bad = control(sim, "POST", "webhooks/bad-signature")
    assert bad["status"] == 401
    assert WebhookEvent.objects.count() == 1
