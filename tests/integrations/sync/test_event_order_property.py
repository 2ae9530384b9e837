"""Property: whatever the interleaving of webhook deliveries, re-deliveries, worker runs
and partners polls, a connection ends as a simple model says: the latest fact wins.

The model, written apart from the code: a delivered webhook event is a fact at
(its timestamp, its arrival rank); a poll that lists the restaurant is a fact
at (its start - LIST_LAG, 0); a full poll that does not list a restaurant the
portal already knows is a removal at (its start, 0). The fact with the largest
key decides the connection's status, and its details when it has any.
"""

import dataclasses
import datetime
import uuid

import pytest
from django.test import Client
from django_q.brokers import get_broker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.models import SyncRun, WebhookEvent
from integrations.sync import lifecycle
from integrations.tasks import process_webhook_event
from restaurants.models import Connection, Restaurant
from tests.integrations.events import partner_event, post_event

pytestmark = pytest.mark.django_db

RESTAURANT = uuid.UUID("0b5e3c1d-6f7a-4a55-9f3e-2d7c9a1b4e60")
BASE = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
MICROSECOND = datetime.timedelta(microseconds=1)
LAG = lifecycle.LIST_LAG
# Gaps between platform events: ties, a millisecond, within and beyond the lag.
GAPS = [datetime.timedelta(0), datetime.timedelta(milliseconds=1), MINUTE, 4 * MINUTE, 30 * MINUTE]
# Where a poll starts, against an event's timestamp: on either side of the lag.
POLL_OFFSETS = [-6 * MINUTE, -datetime.timedelta(milliseconds=1), datetime.timedelta(0), 2 * MINUTE]
POLL_OFFSETS += [LAG, LAG + datetime.timedelta(milliseconds=1), 40 * MINUTE]


@dataclasses.dataclass(frozen=True)
class PlatformEvent:
    kind: str  # partner_added / partner_updated / partner_removed
    at: datetime.datetime
    ref: str
    modified_ms: int  # anything: the guide's removal carries the add's

    @property
    def connects(self):
        return self.kind != "partner_removed"


@dataclasses.dataclass(frozen=True)
class Poll:
    started: datetime.datetime
    full: bool


@st.composite
def scenarios(draw):
    kinds = draw(
        st.lists(
            st.sampled_from(["partner_added", "partner_updated", "partner_removed"]),
            min_size=1,
            max_size=5,
        )
    )
    at, events = BASE, []
    for number, kind in enumerate(kinds):
        at += draw(st.sampled_from(GAPS))
        modified = int((BASE + draw(st.sampled_from(GAPS))).timestamp() * 1000)
        events.append(PlatformEvent(kind, at, f"ref-{number}", modified))
    polls = []
    for number in range(draw(st.integers(0, 3))):
        near = draw(st.sampled_from(events)).at + draw(st.sampled_from(POLL_OFFSETS))
        # Polls start on distinct microseconds (as they do): only the first may tie
        # with a webhook's millisecond, none with another poll.
        polls.append(Poll(near + number * MICROSECOND, full=draw(st.booleans())))
    steps = [("deliver", n) for n in range(len(events)) for _ in range(draw(st.integers(0, 2)))]
    steps += [("process", n) for n in range(len(events))]
    steps += [("poll", n) for n in range(len(polls))]
    return events, polls, draw(st.permutations(steps))


def platform_state(events, instant):
    """The platform's truth at `instant`: the event last in its own sequence by then."""
    happened = [event for event in events if event.at <= instant]
    return happened[-1] if happened else None


class Model:
    """The latest fact wins; nothing here mirrors how the code stores its order."""

    def __init__(self):
        self.facts = []  # (key, connected, ref or None)
        self.arrival = {}  # event number -> rank of its first delivery
        self.processed = set()

    def deliver(self, number):
        self.arrival.setdefault(number, len(self.arrival) + 1)

    def process(self, number, event):
        if number in self.arrival and number not in self.processed:
            self.processed.add(number)
            self.facts.append(((event.at, self.arrival[number]), event.connects, event.ref))

    def poll(self, poll, events):
        truth = platform_state(events, poll.started)
        if truth is not None and truth.connects:
            self.facts.append(((poll.started - LAG, 0), True, truth.ref))
        elif poll.full and self.facts:  # only a restaurant the portal knows can be removed
            self.facts.append(((poll.started, 0), False, None))

    def outcome(self):
        return max(self.facts)[1:] if self.facts else None


def _reset():
    get_broker().purge_queue()  # the refreshes the examples queued
    SyncRun.objects.all().delete()
    WebhookEvent.objects.all().delete()
    Connection.objects.all().delete()
    Restaurant.objects.all().delete()


def _payloads(events):
    return [
        partner_event(
            event.kind,
            RESTAURANT,
            at=event.at,
            externalRestaurantRef=event.ref,
            modifiedDate=event.modified_ms,
        )
        for event in events
    ]


def _process(payload):
    stored = WebhookEvent.objects.filter(guid=payload["guid"]).first()
    if stored is not None:
        process_webhook_event(stored.pk)


def _poll(poll, events):
    truth = platform_state(events, poll.started)
    if truth is not None and truth.connects:
        record = {"restaurantGuid": str(RESTAURANT), "externalRestaurantRef": truth.ref}
        lifecycle.apply_listed({**record, "modifiedDate": truth.modified_ms}, poll.started)
        seen = {str(RESTAURANT)}
    else:
        seen = set()
    if poll.full:
        lifecycle.remove_unlisted(seen, poll.started)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenario=scenarios())
def test_any_interleaving_ends_as_the_model_says(scenario):
    events, polls, steps = scenario
    _reset()
    client, model = Client(), Model()
    payloads = _payloads(events)
    for step, number in steps:
        if step == "deliver":
            assert post_event(client, payloads[number]).status_code == 200
            model.deliver(number)
        elif step == "process":
            _process(payloads[number])
            model.process(number, events[number])
        else:
            _poll(polls[number], events)
            model.poll(polls[number], events)
    # The queue runs whatever was still waiting, in any order: here, newest first.
    for number in sorted(model.arrival, key=model.arrival.get, reverse=True):
        _process(payloads[number])
        model.process(number, events[number])

    expected = model.outcome()
    connection = Connection.objects.filter(pk=RESTAURANT).first()
    if expected is None:
        assert connection is None
        return
    connected, ref = expected
    assert connection.status == ("connected" if connected else "removed")
    if ref is not None:
        assert connection.external_restaurant_ref == ref
    statuses = WebhookEvent.objects.values_list("status", "outcome")
    assert all(status in ("processed", "stale") and outcome for status, outcome in statuses)
