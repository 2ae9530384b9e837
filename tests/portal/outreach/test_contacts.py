"""The contacts panel: staff add, change and remove contacts, each with its audit entry;
the panel shows them (hostile text escaped) in a fixed number of queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from restaurants.models import Contact, TimelineEntry

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>"


def audit(restaurant):
    return list(TimelineEntry.objects.filter(restaurant=restaurant, kind="contact").order_by("pk"))


def test_staff_add_a_contact_with_its_audit_entry(staff_client, staff_user, onboarding):
    url = reverse("contact-add", args=[onboarding.guid])
    values = {"name": "Sam", "email": "sam@example.com", "phone": "555", "role": "Manager"}

    response = staff_client.post(url, values)

    assert response.status_code == 302
    contact = Contact.objects.get(email="sam@example.com")
    assert (contact.restaurant, contact.source, contact.role) == (onboarding, "staff", "Manager")
    [entry] = audit(onboarding)
    assert (entry.action, entry.actor, entry.before, entry.after) == (
        "added",
        staff_user,
        None,
        values,
    )


def test_staff_change_and_remove_a_contact_with_before_and_after(
    staff_client, staff_user, onboarding
):
    contact = Contact.objects.get(restaurant=onboarding)
    change = reverse("contact-change", args=[onboarding.guid, contact.pk])
    staff_client.post(change, {"name": "Rosa B.", "email": "rosa@example.com", "role": "Owner"})
    staff_client.post(change, {"name": "Rosa B.", "email": "rosa@example.com", "role": "Owner"})
    staff_client.post(reverse("contact-remove", args=[onboarding.guid, contact.pk]))

    assert not Contact.objects.filter(pk=contact.pk).exists()
    changed, removed = audit(onboarding)  # the second save changed nothing: no entry
    assert changed.action == "changed" and changed.actor == staff_user
    assert changed.before["name"] == "Rosa" and changed.after["name"] == "Rosa B."
    assert (removed.action, removed.before["name"], removed.after) == ("removed", "Rosa B.", None)


@pytest.mark.parametrize(
    "values",
    [
        {"email": "not an address"},
        {"email": "rosa@example.com"},  # already a contact
        {"email": "ROSA@example.com"},
        {"email": "a@example.com", "name": "x" * 500},
    ],
)
def test_a_bad_contact_is_refused_with_a_message(staff_client, onboarding, values):
    url = reverse("contact-add", args=[onboarding.guid])
    response = staff_client.post(url, values, follow=True)
    assert response.status_code == 200
    assert response.context["messages"]._loaded_messages[0].level_tag == "error"
    assert Contact.objects.filter(restaurant=onboarding).count() == 1
    assert audit(onboarding) == []


def test_a_contact_of_another_restaurant_is_not_found(staff_client, onboarding, full_restaurant):
    contact = Contact.objects.get(restaurant=onboarding)
    url = reverse("contact-remove", args=[full_restaurant.guid, contact.pk])
    assert staff_client.post(url).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_changes_need_a_signed_in_user_with_the_work_permission_and_a_post(
    staff_client, onboarding, django_user_model
):
    url = reverse("contact-add", args=[onboarding.guid])
    assert staff_client.get(url).status_code == 405
    reader = Client()
    reader.force_login(django_user_model.objects.create_user("reader", is_staff=True))
    assert reader.post(url, {"email": "x@example.com"}).status_code == 403
    response = Client().post(url, {"email": "x@example.com"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Contact.objects.count() == 1


def test_the_panel_shows_contacts_escaped_in_fixed_queries(staff_client, onboarding):
    Contact.objects.create(restaurant=onboarding, name=HOSTILE, email="h@example.com")
    page = reverse("restaurant-detail", args=[onboarding.guid])
    html = staff_client.get(page).content.decode()
    assert 'id="contacts"' in html and "rosa@example.com" in html
    assert HOSTILE not in html and "&lt;img src=x" in html
    assert "Send a new status link" in html and "Pause reminders" in html
    few = _queries(staff_client, page)
    for n in range(20):
        Contact.objects.create(restaurant=onboarding, email=f"c{n}@example.com")
    assert _queries(staff_client, page) == few


def _queries(client, page):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    return len(queries)
