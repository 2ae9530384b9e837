"""End to end: the simulator posts signed partner events to the running portal."""

import time

import pytest

from integrations.models import WebhookEvent
from integrations.simulator import Published
from integrations.tasks import process_webhook_event
from restaurants.models import Connection
from tests.platform import connected_guids, control, qcluster, running_simulator

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


@pytest.mark.usefixtures("no_drain_queued")
def test_a_removal_with_the_adds_modified_date_ends_removed_through_the_queue(live_server):
    url = f"{live_server.url}/webhooks/toast/partners"
    published = Published(removal_keeps_added_date=True)
    with (
        running_simulator(restaurants=2, groups=1, webhook_url=url, published=published) as sim,
        qcluster(sim.url, DJANGO_SETTINGS_MODULE="tests.settings"),
    ):
        guid = control(sim, "POST", "restaurants")["guid"]
        updated = control(sim, "POST", f"restaurants/{guid}/update")
        removed = control(sim, "POST", f"restaurants/{guid}/remove")
        # As in the guide: the removal is dated like the add, before the update.
        assert (
            removed["event"]["details"]["modifiedDate"]
            < updated["event"]["details"]["modifiedDate"]
        )
        deadline = time.monotonic() + 60
        while WebhookEvent.objects.filter(status="received").exists() or (
            WebhookEvent.objects.count() < 3
        ):
            assert time.monotonic() < deadline, "the queue did not process the events"
            time.sleep(0.1)
    assert Connection.objects.get(pk=guid).status == Connection.Status.REMOVED
    removal = WebhookEvent.objects.get(event_type="partner_removed")
    assert (removal.status, removal.outcome) == ("processed", "Connection removed.")
