"""Each staff user sets what they are told of, on a page of their own."""

import pytest
from django.urls import reverse

from portal.models import NotificationPreference

pytestmark = pytest.mark.django_db

URL = reverse("notification-preferences")


def test_a_user_sees_the_defaults_and_saves_a_choice(staff_client, staff_user):
    page = staff_client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "A daily digest" in html and "Checklist regressions after a sync" in html
    assert "has no email address" in html

    response = staff_client.post(URL, {"delivery": "digest", "removal": "on", "alert": "on"})

    assert response.status_code == 302
    saved = NotificationPreference.objects.get(user=staff_user)
    assert (saved.delivery, saved.new_connection, saved.removal, saved.regression, saved.alert) == (
        "digest",
        False,
        True,
        False,
        True,
    )


def test_a_bad_choice_is_shown_again_not_saved(staff_client, staff_user):
    response = staff_client.post(URL, {"delivery": "pigeon"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=staff_user).delivery == "off"


def test_the_page_is_for_staff(plain_client):
    assert plain_client.get(URL).status_code == 403
