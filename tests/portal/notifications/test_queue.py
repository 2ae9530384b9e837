"""Notifications leave through the real queue: a partner event committed by the writer
reaches the chat webhook on loopback from a `qcluster` worker, retried after the
receiver refused the first attempt."""

import time

import pytest
from django_q.brokers import get_broker

from restaurants import connection_events
from tests.platform import qcluster
from tests.portal.notifications.receiver import chat_receiver
from tests.stored import stored, variant

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_connection_reaches_the_chat_through_the_queue_after_a_retry(settings):
    get_broker().purge_queue()
    restaurant = stored(variant("restaurant_sparse", general__name="Queue & Co"))
    with chat_receiver(failures=1) as receiver:
        settings.NOTIFY_WEBHOOK_URL = receiver.url  # someone listens: the writer queues a task
        started = time.monotonic()
        connection_events.applied_many(
            [connection_events.Applied(restaurant.pk, "added")]
        )  # commits: the task is queued
        assert time.monotonic() - started < 1  # the writer does not wait for the webhook
        assert receiver.attempts == []
        with qcluster(
            settings.TOAST_API_HOSTNAME or "http://127.0.0.1:9",
            workers=1,
            DJANGO_SETTINGS_MODULE="tests.settings",
            NOTIFY_WEBHOOK_URL=receiver.url,
            NOTIFY_BACKOFF_SECONDS=0.2,
        ):
            deadline = time.monotonic() + 60
            while not receiver.received and time.monotonic() < deadline:
                time.sleep(0.1)
    assert len(receiver.attempts) == 2  # refused once, then delivered
    [body] = receiver.received
    assert body["text"].startswith("*New connection*: <")
    assert "Queue &amp; Co" in body["text"]
