"""The halting mechanism: repeated identical failures stop a request until staff resume it."""

import logging

import pytest
from django.core import mail

from integrations.models import Alert, RequestHalt
from integrations.toast import errors
from tests.platform import control, stats

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "GET /restaurants/v1/restaurants/{guid}"


def _archived(sim):
    return next(r["guid"] for r in control(sim, "GET", "restaurants") if r["archived"])


def test_halted_after_threshold_then_resumed_by_staff(toast, sim, settings, caplog, admin_client):
    settings.ADMINS = [("Ops", "ops@example.com")]
    guid = _archived(sim)  # 404 without includeArchived, every time
    with caplog.at_level(logging.ERROR, logger="integrations.halting"):
        for _ in range(settings.TOAST_HALT_THRESHOLD):
            with pytest.raises(errors.NotFound):
                toast.restaurant_info(guid)
    halt = RequestHalt.objects.get()
    assert (halt.status, halt.failure_count, halt.signature) == ("halted", 5, "http 404")
    assert Alert.objects.filter(kind="halt", restaurant_guid=guid).count() == 1
    assert f"Halted: {PATH}" in caplog.text
    subject = f"Halted: {PATH} for restaurant {guid}"
    assert [m.subject for m in mail.outbox] == [settings.EMAIL_SUBJECT_PREFIX + subject]

    sent = stats(sim)["requests"][PATH]
    with pytest.raises(errors.RequestHalted):
        toast.restaurant_info(guid)
    assert stats(sim)["requests"][PATH] == sent  # nothing sent

    response = admin_client.post(
        "/admin/integrations/requesthalt/",
        {"action": "resume", "_selected_action": [halt.pk]},
        follow=True,
    )
    assert response.status_code == 200
    halt.refresh_from_db()
    assert halt.status == "resumed" and halt.resumed_by.username == "admin"
    assert toast.restaurant_info(guid, include_archived=True)["guid"] == guid
    assert not RequestHalt.objects.exists()  # a success forgets the history
    assert not Alert.objects.filter(kind="halt", acknowledged_at__isnull=True).exists()


def test_a_different_failure_starts_the_count_again(toast, sim, settings):
    guid = _archived(sim)
    for _ in range(settings.TOAST_HALT_THRESHOLD - 1):
        with pytest.raises(errors.NotFound):
            toast.restaurant_info(guid)
    control(sim, "PUT", "faults", json={"error_rate": 1.0, "error_status": 502})
    with pytest.raises(errors.TransientError):
        toast.restaurant_info(guid)
    halt = RequestHalt.objects.get()
    assert (halt.status, halt.failure_count, halt.signature) == ("failing", 1, "http 502")


def test_removed_restaurant_is_refused_without_a_request(toast, sim):
    from restaurants.models import Connection, Restaurant

    guid = next(r["guid"] for r in control(sim, "GET", "restaurants") if r["access"] == "connected")
    restaurant = Restaurant.objects.create(guid=guid)
    Connection.objects.create(restaurant=restaurant, status=Connection.Status.REMOVED)
    with pytest.raises(errors.RestaurantRemoved, match="removed the integration"):
        toast.restaurant_info(guid)
    assert stats(sim)["requests"].get(PATH, 0) == 0
