"""The restaurant page reads as staff expect: dates, addresses, phones, the state of a
prospect, a removed or an archived restaurant, the change history and a refresh."""

import datetime
import re
import uuid

import pytest
from django.utils import timezone

from integrations.models import SyncRun
from integrations.sync import runs
from restaurants import field_labels, status_links
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Connection, Restaurant, StatusLink
from restaurants.restaurant_info import FIELDS
from tests.payloads import with_change

pytestmark = pytest.mark.django_db

MOMENT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")


def _page(client, guid, query=""):
    response = client.get(f"/restaurants/{guid}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _section(page, element_id):
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</section>", start)]


def _update(guid, **values):
    Restaurant.objects.filter(pk=guid).update(**values)


# A refresh -------------------------------------------------------------------------


def test_a_refresh_links_to_the_dashboard_and_the_page_follows_the_run(staff_client, full):
    response = staff_client.post(f"/restaurants/{full['guid']}/refresh/", follow=True)
    run = SyncRun.objects.get()
    page = response.content.decode()

    assert response.redirect_chain[-1][0] == f"/restaurants/{full['guid']}/?refresh={run.pk}"
    assert '<a href="/">the dashboard</a> shows its progress' in page
    status = page[
        page.index('id="refresh-status"') : page.index("</p>", page.index("refresh-status"))
    ]
    assert 'data-ended="false"' in status and "queued, 0 of 1 fetched" in status
    assert "js/refresh-progress.js" in page
    progress = f"/restaurants/{full['guid']}/refresh/{run.pk}/progress.json"
    assert f'data-progress-url="{progress}"' in status
    assert staff_client.get(progress).json() == {
        "status": "queued",
        "ended": False,
        "done": 0,
        "total": 1,
    }

    runs.add(run.pk, {"changed": 1})
    assert staff_client.get(progress).json()["ended"] is True
    finished = _page(staff_client, full["guid"], f"?refresh={run.pk}")
    assert "finished just now</span> (1 changed, 0 unchanged, 0 failed)" in finished
    assert 'data-ended="true"' in finished and "js/refresh-progress.js" not in finished


@pytest.mark.parametrize("value", ["junk", "-1", "0", "99999", str(2**70)])
def test_a_page_following_no_such_refresh_shows_none(staff_client, full, value):
    page = _page(staff_client, full["guid"], f"?refresh={value}")
    assert 'id="refresh-status"' not in page and "js/refresh-progress.js" not in page
    missing = staff_client.get(f"/restaurants/{full['guid']}/refresh/{value}/progress.json")
    assert missing.status_code == 404


def test_a_discovery_run_is_not_followed_as_a_refresh(staff_client, full):
    run = runs.start(SyncRun.Kind.DISCOVER, SyncRun.Trigger.STAFF, total=3)
    assert 'id="refresh-status"' not in _page(staff_client, full["guid"], f"?refresh={run.pk}")


# Dates ------------------------------------------------------------------------------


def test_dates_have_one_format_and_a_minute_ago_is_just_now(staff_client, full):
    fetched = timezone.now() - datetime.timedelta(hours=3, minutes=5)
    _update(full["guid"], last_fetched_at=fetched, last_changed_at=fetched)
    link = status_links.create(Restaurant.objects.get(pk=full["guid"]), None)
    StatusLink.objects.filter(pk=link.pk).update(last_opened_at=timezone.now())

    page = _page(staff_client, full["guid"])

    header = page[page.index("Last fetched:") : page.index("</p>", page.index("Last fetched:"))]
    assert f"Last fetched: {fetched:%Y-%m-%d %H:%M} UTC (3\N{NO-BREAK SPACE}hours ago)" in header
    assert f"Last changed: {fetched:%Y-%m-%d %H:%M} UTC (3\N{NO-BREAK SPACE}hours ago)" in header
    panel = _section(page, "status-links")
    assert "last opened <span" in panel and ">just now</span>" in panel
    assert "0 minutes" not in panel
    assert len(MOMENT.findall(panel)) == 2  # until, and last opened (on hover)
    assert "a.m." not in page and "p.m." not in page  # 24-hour everywhere
    for summary in re.findall(r"<summary>(.*?)</summary>", _section(page, "history"), re.S):
        assert MOMENT.match(summary)


# Address, phone, links --------------------------------------------------------------


def test_the_address_reads_in_the_order_of_its_country(staff_client, full):
    us = _section(_page(staff_client, full["guid"]), "general")
    assert "1 Brattle Square, Suite 2, Cambridge, MA 02138, US" in us

    _update(full["guid"], country="DE", city="Berlin", zip_code="10117", address2="")
    german = _section(_page(staff_client, full["guid"]), "general")
    assert "1 Brattle Square, 10117 Berlin, DE" in german
    assert "MA" not in german.split('id="address"')[1].split("</dd>")[0]


def test_phone_numbers_are_formatted_for_the_restaurants_country(staff_client, full):
    general = _section(_page(staff_client, full["guid"]), "general")
    assert '<a href="tel:+16175550123">(617) 555-0123</a>' in general

    _update(full["guid"], country="DE")  # a US number of a restaurant elsewhere
    assert '<a href="tel:+16175550123">+1 617-555-0123</a>' in _page(staff_client, full["guid"])

    _update(full["guid"], phone='<img src=x onerror="alert(1)">')
    hostile = _section(_page(staff_client, full["guid"]), "general")
    assert "<img" not in hostile and "&lt;img src=x" in hostile and "tel:" not in hostile


def test_a_twitter_handle_is_a_link_and_hostile_text_is_not(staff_client, full):
    _update(full["guid"], twitter="@harvest-table-12")  # as the simulator writes them
    links = _section(_page(staff_client, full["guid"]), "links")
    assert 'href="https://twitter.com/harvest-table-12"' in links and "@harvest-table-12" in links

    _update(full["guid"], twitter='@x" onmouseover="alert(1)')
    hostile = _section(_page(staff_client, full["guid"]), "links")
    assert "twitter.com" not in hostile and 'onmouseover="' not in hostile
    assert "&quot; onmouseover=&quot;alert(1)" in hostile


# Payments, archived ------------------------------------------------------------------


def _delivery_cells(page):
    """The payment matrix's delivery column, a cell per payment method."""
    start = page.index('id="payment-matrix"')
    rows = re.findall(
        r"<tr><th>([^<]*)</th>(.*?)</tr>", page[start : page.index("</table>", start)]
    )
    return [re.findall(r"<td[^>]*>(.*?)</td>", cells)[0] for label, cells in rows[1:-1]]


def test_a_restaurant_that_does_not_deliver_has_no_delivery_payment_on(staff_client, full):
    assert any("✓ yes" in cell for cell in _delivery_cells(_page(staff_client, full["guid"])))
    _update(full["guid"], delivery_enabled=False, delivery_cash=True, delivery_cc_same_day=True)
    cells = _delivery_cells(_page(staff_client, full["guid"]))
    assert not any("✓ yes" in cell for cell in cells)
    assert sum("no delivery" in cell for cell in cells) == 3  # card in store: n/a anyway


def test_an_archived_restaurant_is_not_open_now(staff_client, full):
    _update(full["guid"], archived=True)
    page = _page(staff_client, full["guid"])
    schedule = _section(page, "schedule")
    assert "Open now" not in page and "Closed now" not in page
    assert "listed as archived" in schedule or "lists this location as archived" in schedule
    assert 'class="week"' in schedule  # its hours are still shown


# Prospects and removed restaurants -----------------------------------------------------


def test_a_prospect_has_unknown_hours_and_no_status_link(staff_client):
    guid = Restaurant.objects.create(guid=uuid.uuid4()).guid
    page = _page(staff_client, guid)

    assert "Prospect:" in page and 'id="access-banner"' in page
    schedule = _section(page, "schedule")
    assert "Opening hours not known" in schedule and "Closed" not in schedule
    assert f'<p class="meta">GUID {guid}' in page  # no stray "·" before it
    for section in ("general", "payments", "prep-times", "delivery"):
        assert "Not known yet" in _section(page, section)
    assert "— min" not in page
    links = _section(page, "status-links")
    assert "Create a status link" not in links and "has not connected" in links

    staff_client.post(f"/restaurants/{guid}/status-links/")
    assert not StatusLink.objects.filter(restaurant=guid).exists()


def test_a_removed_restaurant_says_since_when_and_offers_no_link(staff_client, full):
    removed_at = datetime.datetime(2026, 11, 3, 14, 2, tzinfo=datetime.UTC)
    Connection.objects.filter(pk=full["guid"]).update(
        status=Connection.Status.REMOVED, removed_at=removed_at
    )
    page = _page(staff_client, full["guid"])

    banner = page[
        page.index('id="access-banner"') : page.index("</div>", page.index("access-banner"))
    ]
    assert "Removed on 2026-11-03 14:02 UTC" in banner
    assert "Open now" not in page and "Closed now" not in page
    assert "Create a status link" not in _section(page, "status-links")
    assert 'class="week"' in page  # the data it had is kept and shown

    response = staff_client.post(f"/restaurants/{full['guid']}/status-links/", follow=True)
    assert not StatusLink.objects.filter(restaurant=full["guid"]).exists()
    assert "it is not connected" in response.content.decode()


def test_unset_prep_times_show_a_dash_without_a_unit(staff_client, full):
    _update(full["guid"], takeout_throttling_time=None)
    prep = _section(_page(staff_client, full["guid"]), "prep-times")
    assert "— min" not in prep and "—</span>" in prep and " min</td>" in prep


# Change history ------------------------------------------------------------------------


def test_history_names_fields_as_the_page_does_with_the_path_on_hover(staff_client, full):
    apply_restaurant_info(with_change(full, "onlineOrdering.paymentOptions.takeout.cash", False))
    history = _section(_page(staff_client, full["guid"]), "history")
    assert (
        '<span class="field-label" title="onlineOrdering.paymentOptions.takeout.cash">'
        "Takeout payment · Cash</span>"
    ) in history
    assert "<code>onlineOrdering" not in history


def test_every_stored_field_has_a_label():
    unlabelled = [
        ".".join(path)
        for path, *_ in FIELDS
        if field_labels.label(".".join(path)) == ".".join(path)
    ]
    assert unlabelled == []
    assert (
        field_labels.label("schedules.daySchedules.late.night.services[1].hours.endTime")
        == "Day schedule “late.night” · service 2 · ends"
    )
    assert field_labels.label("someNewSection.field") == "someNewSection.field"


def test_the_restaurants_status_page_says_just_now_too(client, full):
    _update(full["guid"], last_fetched_at=timezone.now())
    link = status_links.create(Restaurant.objects.get(pk=full["guid"]), None)
    page = client.get(status_links.path_for(link)).content.decode()
    assert "as we last read them, just now." in page and "0\N{NO-BREAK SPACE}minutes" not in page
    assert f"works until {link.expires_at:%Y-%m-%d %H:%M} UTC." in page
