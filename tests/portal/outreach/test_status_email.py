"""The status link by email: rendered in the partner's name, the link in it opening the
right status page, every send, failure and open on the restaurant's timeline."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_q.brokers import get_broker

from portal.outreach import status_email, tasks
from restaurants.models import Connection, Contact, StatusLink, TimelineEntry
from tests.stored import stored, variant

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & Sons'


def email_url(restaurant):
    return reverse("status-link-email", args=[restaurant.guid])


def link_path(message, settings):
    url = re.search(rf"{re.escape(settings.PORTAL_URL)}(/status/\S+/)", message.body)
    return url.group(1)


def entries(restaurant, kind):
    return list(TimelineEntry.objects.filter(restaurant=restaurant, kind=kind).order_by("at", "pk"))


def test_staff_email_a_new_link_that_opens_the_restaurants_status_page(
    staff_client, onboarding, staff_user, settings
):
    settings.PARTNER_NAME = "Tasty Partner"
    settings.SUPPORT_EMAIL = "help@partner.example"
    settings.SUPPORT_PHONE = "+1 555 0100"
    other = Contact.objects.create(restaurant=onboarding, email="sam@example.com")

    response = staff_client.post(email_url(onboarding), {"contact": [str(other.pk)]})

    assert response.status_code == 302
    assert response["Location"].endswith("#contacts")
    [message] = mail.outbox
    assert message.to == ["sam@example.com"]
    assert message.from_email == f"Tasty Partner <{settings.DEFAULT_FROM_EMAIL}>"
    assert message.reply_to == ["help@partner.example"]
    assert "Tasty Partner" in message.subject
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    for body in (message.body, html):
        assert "help@partner.example" in body and "+1 555 0100" in body
        assert "Online ordering enabled" in body  # a step still to do
    page = Client().get(link_path(message, settings))
    assert page.status_code == 200
    assert page.context["restaurant"] == onboarding
    link = StatusLink.objects.get(restaurant=onboarding)
    assert link.created_by == staff_user
    [created] = entries(onboarding, TimelineEntry.Kind.STATUS_LINK)[:1]
    assert (created.action, created.actor) == ("created", staff_user)
    [sent] = entries(onboarding, TimelineEntry.Kind.EMAIL)
    assert (sent.action, sent.actor) == ("sent", staff_user)
    assert sent.details["to"] == ["sam@example.com"] and sent.details["link"] == link.pk


def test_a_hostile_restaurant_name_is_escaped_in_the_html_and_kept_out_of_headers(
    staff_user, settings
):
    restaurant = stored(variant("restaurant_sparse", general__name=HOSTILE + "\nBcc: x@evil"))
    assert status_email.send_status_link(restaurant, ["a@example.com"], by=staff_user)
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "\n" not in message.subject and message.bcc == []
    assert HOSTILE in message.body  # the text part is plain text, as written


def test_a_failed_send_is_on_the_timeline_and_the_page_says_so(staff_client, onboarding, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    contact = Contact.objects.get(restaurant=onboarding)

    response = staff_client.post(email_url(onboarding), {"contact": [str(contact.pk)]}, follow=True)

    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    [failed] = entries(onboarding, TimelineEntry.Kind.EMAIL)
    assert failed.action == "sent_failed"
    assert "rosa@example.com" in failed.summary and "failed" in failed.summary


def test_sending_needs_a_ticked_contact_of_this_restaurant(staff_client, onboarding):
    elsewhere = stored(variant("restaurant_sparse"))
    foreign = Contact.objects.create(restaurant=elsewhere, email="x@example.com")
    response = staff_client.post(email_url(onboarding), {"contact": [str(foreign.pk), "x"]})
    assert response.status_code == 302
    assert mail.outbox == []
    assert not StatusLink.objects.exists()


def test_sending_needs_the_work_permission(client, onboarding, django_user_model):
    reader = django_user_model.objects.create_user("reader", is_staff=True)
    reader.user_permissions.add(*_view_permission())
    client.force_login(reader)
    contact = Contact.objects.get(restaurant=onboarding)
    response = client.post(email_url(onboarding), {"contact": [str(contact.pk)]})
    assert response.status_code == 403
    assert mail.outbox == []


def test_the_bulk_send_reaches_every_contact_and_records_a_restaurant_without_one(
    onboarding, staff_user
):
    lonely = stored(variant("restaurant_sparse"))
    Contact.objects.create(restaurant=onboarding, email="sam@example.com")
    tasks.send_status_links([str(onboarding.pk), str(lonely.pk)], staff_user.pk)

    [message] = mail.outbox
    assert sorted(message.to) == ["rosa@example.com", "sam@example.com"]
    [nothing] = entries(lonely, TimelineEntry.Kind.EMAIL)
    assert (nothing.action, nothing.actor) == ("failed", staff_user)
    assert not StatusLink.objects.filter(restaurant=lonely).exists()


def test_the_bulk_action_queues_one_task_for_the_batch(onboarding, staff_user):
    broker = get_broker()
    broker.purge_queue()
    assert status_email.send_status_links([onboarding, onboarding], staff_user) == 2
    assert broker.queue_size() == 1
    broker.purge_queue()


def test_opening_the_page_is_on_the_timeline_once_an_hour(onboarding, staff_user, settings):
    cache.clear()
    status_email.send_status_link(onboarding, ["rosa@example.com"], by=staff_user)
    path = link_path(mail.outbox[0], settings)
    for _ in range(5):
        assert Client().get(path).status_code == 200
    opened = [
        e for e in entries(onboarding, TimelineEntry.Kind.STATUS_LINK) if e.action == "opened"
    ]
    assert len(opened) == 1
    assert opened[0].actor is None


def _view_permission():
    return Permission.objects.filter(codename="view_restaurant")


def test_no_link_is_emailed_for_a_restaurant_that_is_not_connected(staff_client, onboarding):
    Connection.objects.filter(restaurant=onboarding).update(status=Connection.Status.REMOVED)
    contact = Contact.objects.get(restaurant=onboarding)
    response = staff_client.post(email_url(onboarding), {"contact": [str(contact.pk)]}, follow=True)
    assert "it is not connected" in response.content.decode()
    tasks.send_status_links([str(onboarding.pk)], None)
    assert mail.outbox == []
    assert not StatusLink.objects.exists()
