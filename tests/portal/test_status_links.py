"""The private onboarding status link: made and revoked by staff, opened by anyone who has it."""

import urllib.error
import urllib.request

import pytest
from django.core import signing
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from restaurants import status_links
from restaurants.models import StatusLink
from tests.stored import stored, variant

pytestmark = pytest.mark.django_db

REFUSED = "This status link does not work"


def create_url(restaurant):
    return reverse("status-link-create", args=[restaurant.guid])


def revoke_url(link):
    return reverse("status-link-revoke", args=[link.restaurant_id, link.pk])


@pytest.fixture
def link(full_restaurant, staff_user):
    return status_links.create(full_restaurant, staff_user)


def open_page(token):
    return Client().get(reverse("status-page", args=[token]))


def assert_refused(response, *names):
    assert response.status_code == 404
    html = response.content.decode()
    assert REFUSED in html
    for name in names:
        assert name not in html


# Staff make and revoke links ---------------------------------------------------


def test_staff_create_a_link_and_go_back_where_they_were(staff_client, full_restaurant, settings):
    settings.STATUS_LINK_MAX_AGE_DAYS = 10
    before = timezone.now()

    response = staff_client.post(create_url(full_restaurant), {"next": "/somewhere/?tab=1"})

    assert response.status_code == 302
    assert response["Location"] == "/somewhere/?tab=1"
    made = StatusLink.objects.get(restaurant=full_restaurant)
    assert made.created_by.username == "olivia"
    assert made.revoked_at is None
    lifetime = made.expires_at - made.created_at
    assert lifetime == timezone.timedelta(days=10)
    assert made.created_at >= before


def test_without_next_staff_go_back_to_the_restaurant_page(staff_client, full_restaurant):
    response = staff_client.post(create_url(full_restaurant), {"next": "https://evil.test/"})

    assert response["Location"] == full_restaurant.get_absolute_url()


def test_visitors_and_non_staff_cannot_create_links(plain_client, full_restaurant):
    anonymous = Client().post(create_url(full_restaurant))
    not_staff = plain_client.post(create_url(full_restaurant))

    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert not_staff.status_code == 403
    assert not StatusLink.objects.exists()


def test_staff_without_a_group_are_told_to_ask_and_make_no_link(
    client, full_restaurant, django_user_model
):
    bare = django_user_model.objects.create_user("newcomer", password="pw", is_staff=True)
    client.force_login(bare)
    made = status_links.create(full_restaurant, None)

    refused = [client.post(create_url(full_restaurant)), client.post(revoke_url(made))]

    for response in refused:
        assert response.status_code == 403
        assert "Ask an administrator for access" in response.content.decode()
    assert list(StatusLink.objects.active()) == [made]
    html = render_panel(full_restaurant, bare)
    assert "Create a status link" not in html and "Revoke" not in html


def test_creating_needs_a_post(staff_client, full_restaurant):
    assert staff_client.get(create_url(full_restaurant)).status_code == 405
    assert not StatusLink.objects.exists()


def test_creating_for_an_unknown_restaurant_is_not_found(staff_client):
    url = reverse("status-link-create", args=["00000000-0000-0000-0000-000000000000"])

    assert staff_client.post(url).status_code == 404


def test_staff_revoke_a_link(staff_client, link):
    response = staff_client.post(revoke_url(link))

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert_refused(open_page(status_links.token_for(link)))


def test_revoking_twice_keeps_the_first_time(staff_client, link):
    staff_client.post(revoke_url(link))
    first = StatusLink.objects.get(pk=link.pk).revoked_at

    staff_client.post(revoke_url(link))

    assert StatusLink.objects.get(pk=link.pk).revoked_at == first


def test_a_link_cannot_be_revoked_through_another_restaurant(staff_client, link):
    other = stored(variant("restaurant_sparse"))
    url = reverse("status-link-revoke", args=[other.guid, link.pk])

    assert staff_client.post(url).status_code == 404
    assert StatusLink.objects.get(pk=link.pk).revoked_at is None


def test_visitors_cannot_revoke(link):
    Client().post(revoke_url(link))

    assert StatusLink.objects.get(pk=link.pk).revoked_at is None


# The public page ----------------------------------------------------------------


def test_the_link_opens_the_checklist_of_its_restaurant_only(link):
    other = stored(variant("restaurant_sparse", general__name="Other Diner"))
    status_links.create(other, None)

    response = open_page(status_links.token_for(link))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Café Ünïcode" in html and "Harvard Square" in html
    assert "Other Diner" not in html
    assert "8 of 8" in html
    assert html.count('class="done"') == 8


def test_open_items_link_to_the_docs_section_that_fixes_them(sparse_restaurant):
    made = status_links.create(sparse_restaurant, None)

    html = open_page(status_links.token_for(made)).content.decode()

    assert "4 of 8" in html
    for anchor in ("hours-and-services", "online-ordering", "payment-options", "prep-times"):
        assert f'href="/docs/finish-onboarding/#{anchor}"' in html
    assert 'href="/docs/finish-onboarding/#delivery-area"' not in html
    assert "Not needed" in html


def test_the_page_is_not_indexed_cached_or_referred(link):
    response = open_page(status_links.token_for(link))

    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_opening_stamps_the_link(link):
    assert link.last_opened_at is None

    open_page(status_links.token_for(link))

    assert StatusLink.objects.get(pk=link.pk).last_opened_at is not None


def test_support_details_on_the_page_come_from_settings(link, settings):
    settings.SUPPORT_EMAIL = "help@partner.test"

    html = open_page(status_links.token_for(link)).content.decode()

    assert 'href="mailto:help@partner.test"' in html


def tampered(token):
    """The token with one character of its payload changed."""
    position = 2
    swapped = "A" if token[position] != "A" else "B"
    return token[:position] + swapped + token[position + 1 :]


def test_a_tampered_link_is_refused_and_reveals_nothing(link):
    token = status_links.token_for(link)

    assert_refused(open_page(tampered(token)), "Café", "Harvard")
    assert_refused(open_page(token[:-1]), "Café")
    assert_refused(open_page("not-a-token"), "Café")
    assert StatusLink.objects.get(pk=link.pk).last_opened_at is None


def test_an_expired_link_is_refused_the_same_way(link):
    StatusLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())

    assert_refused(open_page(status_links.token_for(link)), "Café", "Harvard")


def test_a_revoked_link_is_refused_the_same_way(link):
    status_links.revoke(link)

    assert_refused(open_page(status_links.token_for(link)), "Café", "Harvard")


def test_another_restaurants_nonce_does_not_open_a_link(link):
    """Even correctly signed, an id and a nonce of different links do not belong together."""
    other = status_links.create(stored(variant("restaurant_sparse")), None)
    mixed = signing.Signer(salt=status_links.SALT).sign_object([link.pk, other.nonce])

    assert_refused(open_page(mixed), "Café", "Main Street")


def test_a_token_signed_for_another_purpose_is_refused(link):
    foreign = signing.Signer(salt="something-else").sign_object([link.pk, link.nonce])

    assert_refused(open_page(foreign), "Café")


@pytest.mark.parametrize("value", [{"id": 1}, "text", [1], [1, 2, 3], ["1", "x"]])
def test_correctly_signed_nonsense_is_refused(link, value):
    token = signing.Signer(salt=status_links.SALT).sign_object(value)

    assert_refused(open_page(token))


def test_a_link_keeps_its_expiry_when_the_setting_changes(link, settings):
    settings.STATUS_LINK_MAX_AGE_DAYS = 0

    assert open_page(status_links.token_for(link)).status_code == 200


# The panel on the restaurant page -------------------------------------------------


def render_panel(restaurant, user):
    request = RequestFactory().get(restaurant.get_absolute_url())
    request.user = user
    return render_to_string(
        "restaurants/_status_link_panel.html",
        {"restaurant": restaurant, "connection": restaurant.connection_or_none, "user": user},
        request=request,
    )


def test_the_panel_shows_active_links_to_copy_and_revoke(full_restaurant, staff_user):
    active = status_links.create(full_restaurant, staff_user)
    revoked = status_links.create(full_restaurant, staff_user)
    status_links.revoke(revoked)

    html = render_panel(full_restaurant, staff_user)

    # Whole, in a field that wraps it (a one-line input showed "http://127.0.0").
    assert f">http://testserver{status_links.path_for(active)}</textarea>" in html
    assert status_links.token_for(revoked) not in html
    assert f'data-copy="status-link-{active.pk}"' in html
    assert f'action="{revoke_url(active)}"' in html
    assert f'action="{create_url(full_restaurant)}"' in html


def test_the_panel_is_for_staff_only(full_restaurant, django_user_model):
    status_links.create(full_restaurant, None)
    guest = django_user_model.objects.create_user("guest")

    assert render_panel(full_restaurant, guest).strip() == ""


def test_the_panel_costs_the_same_queries_for_one_link_or_many(full_restaurant, staff_user):
    status_links.create(full_restaurant, staff_user)
    staff_user.get_all_permissions()  # read once per request, by the page's own check
    with CaptureQueriesContext(connection) as one:
        render_panel(full_restaurant, staff_user)
    for _ in range(9):
        status_links.create(full_restaurant, staff_user)

    with CaptureQueriesContext(connection) as ten:
        html = render_panel(full_restaurant, staff_user)

    assert html.count("data-copy=") == 10
    assert len(ten) == len(one) == 1


# Over real HTTP ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_link_works_over_http_and_a_tampered_one_does_not(live_server, django_user_model):
    restaurant = stored(variant("restaurant_full", general__name="Loopback Bistro"))
    token = status_links.token_for(status_links.create(restaurant, None))

    with urllib.request.urlopen(f"{live_server.url}/status/{token}/", timeout=10) as response:
        assert response.status == 200
        assert "Loopback Bistro" in response.read().decode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{live_server.url}/status/{tampered(token)}/", timeout=10)
    assert refused.value.code == 404
    assert "Loopback Bistro" not in refused.value.read().decode()
