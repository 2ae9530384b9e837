"""The documentation pages: rendering, access, and the values they take from settings."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from integrations.simulator import control
from portal.docs import pages, rendering

pytestmark = pytest.mark.django_db

PUBLIC = [page.slug for page in pages.all_pages() if not page.internal]
INTERNAL = [page.slug for page in pages.all_pages() if page.internal]


def page_url(slug):
    return reverse("docs-page", args=[slug])


def text_of(response):
    return response.content.decode()


def test_there_are_pages_for_restaurants_and_a_staff_runbook():
    audiences = {page.audience for page in pages.all_pages()}

    assert audiences == {"restaurants", "staff"}
    assert {"connect", "finish-onboarding", "support", "disconnect"} <= set(PUBLIC)
    assert {"runbook", "dashboard-and-alerts", "credentials", "scaling"} <= set(INTERNAL)


@pytest.mark.parametrize("slug", PUBLIC)
def test_every_public_page_renders_for_anyone(client, slug):
    page = pages.get(slug)

    response = client.get(page_url(slug))

    assert response.status_code == 200
    html = text_of(response)
    assert f"<h1>{page.title}</h1>" in html
    assert 'class="docs-toc"' in html and 'class="headerlink"' in html
    assert "{{" not in html and "{%" not in html, "a template variable was left unrendered"


@pytest.mark.parametrize("slug", PUBLIC + INTERNAL)
def test_every_page_renders_for_staff(staff_client, slug):
    response = staff_client.get(page_url(slug))

    assert response.status_code == 200
    assert "{{" not in text_of(response)


@pytest.mark.parametrize("slug", INTERNAL)
def test_internal_pages_send_visitors_to_sign_in(client, slug):
    response = client.get(page_url(slug))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={page_url(slug)}"


def test_the_simulators_page_with_its_control_interface_is_internal():
    assert "simulator" in INTERNAL


def test_the_simulators_page_lists_every_control_endpoint(staff_client):
    page = text_of(staff_client.get(page_url("simulator")))

    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    listed = {
        (row.split("<td>")[1].split("</td>")[0], row.split("<code>")[1].split("</code>")[0])
        for row in rows
    }
    assert listed == {(e.method, e.as_json()["path"]) for e in control.ENDPOINTS}
    assert "it restored the world from that file" in page


def test_internal_pages_refuse_signed_in_users_who_are_not_staff(plain_client):
    assert plain_client.get(page_url(INTERNAL[0])).status_code == 403


def test_internal_pages_are_private_to_caches(staff_client):
    response = staff_client.get(page_url("credentials"))

    assert "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in text_of(response)


def test_the_index_lists_internal_pages_to_staff_only(staff_client):
    runbook = page_url("runbook")

    assert runbook not in text_of(Client().get(reverse("docs-index")))
    assert runbook in text_of(staff_client.get(reverse("docs-index")))


def test_an_unknown_page_is_not_found(client):
    assert client.get(page_url("no-such-page")).status_code == 404


def test_pages_link_to_the_previous_and_next_page(client):
    html = text_of(client.get(page_url("connect")))

    assert f'rel="prev" href="{page_url("overview")}"' in html
    assert f'rel="next" href="{page_url("after-connecting")}"' in html


def test_headings_have_stable_anchors_in_the_table_of_contents(client):
    html = text_of(client.get(page_url("finish-onboarding")))

    for anchor in ("hours-and-services", "online-ordering", "payment-options", "delivery-area"):
        assert f'<a href="#{anchor}">' in html
        assert f'<a class="headerlink" href="#{anchor}"' in html


def test_support_details_come_from_settings(client, settings):
    settings.SUPPORT_EMAIL = "help@partner.test"
    settings.SUPPORT_PHONE = "+1 617 555 0100"
    settings.SUPPORT_URL = "https://help.partner.test/toast"
    settings.INTEGRATION_NAME = "Tablebooker"

    html = text_of(client.get(page_url("support")))

    assert 'href="mailto:help@partner.test"' in html
    assert 'href="tel:+16175550100"' in html
    assert 'href="https://help.partner.test/toast"' in html
    assert "Tablebooker" in html
    assert "support@example.com" not in html


def test_empty_support_phone_and_url_are_left_out(client, settings):
    settings.SUPPORT_PHONE = ""
    settings.SUPPORT_URL = ""

    html = text_of(client.get(page_url("support")))

    assert "tel:" not in html
    assert "Help centre" not in html


def test_sync_timings_come_from_settings(client, settings):
    settings.TOAST_POLL_INTERVAL_MINUTES = 120
    settings.TOAST_REFRESH_INTERVAL_MINUTES = 720

    html = text_of(client.get(page_url("after-connecting")))

    assert "every 2 hours" in html
    assert "every 12 hours" in html


def test_values_from_settings_are_escaped(client, settings):
    settings.INTEGRATION_NAME = "<script>alert(1)</script>"

    html = text_of(client.get(page_url("connect")))

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pages_have_a_phone_and_a_print_layout(client):
    html = text_of(client.get(page_url("connect")))

    assert 'name="viewport"' in html
    assert "css/docs.css" in html
    stylesheet = (pages.PAGES_DIR.parents[2] / "static" / "css" / "docs.css").read_text()
    assert "@media print" in stylesheet
    assert "@media (max-width: 760px)" in stylesheet


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(1, "1 minute"), (90, "90 minutes"), (360, "6 hours"), (1440, "1 day"), (2880, "2 days")],
)
def test_durations_read_in_the_largest_whole_unit(minutes, text):
    assert rendering.duration(minutes) == text


@pytest.mark.parametrize(
    "content",
    [
        "no front matter at all\n",
        "---\ntitle: Missing audience\n---\nbody\n",
        "---\naudience: staff\n---\nno title\n",
        "---\ntitle: Wrong audience\naudience: everyone\n---\nbody\n",
    ],
)
def test_a_page_without_proper_front_matter_is_refused(tmp_path, content):
    (tmp_path / "page.md").write_text(content)

    with pytest.raises(ImproperlyConfigured):
        pages._load(tmp_path)


def test_the_front_matter_is_read(tmp_path):
    (tmp_path / "a-page.md").write_text(
        "---\ntitle: A: page\nsummary: Short.\naudience: staff\norder: 5\ninternal: true\n---\n"
        "Body\n"
    )

    (page,) = pages._load(tmp_path)

    assert (page.slug, page.title, page.summary, page.order, page.internal) == (
        "a-page",
        "A: page",
        "Short.",
        5,
        True,
    )
    assert page.source == "Body\n"


def test_the_index_tells_staff_which_pages_are_public(staff_client):
    html = text_of(staff_client.get(reverse("docs-index")))

    assert html.count("docs-badge-public") == len(PUBLIC)
    assert html.count(">staff sign-in</span>") == len(INTERNAL)
