"""Every page, staff and public, has no serious or critical violation axe-core finds
in a real browser, shows where the keyboard is, and says every status in words.

axe-core runs from the pinned axe-playwright-python package (its axe.min.js ships
in it: no network). A new page is one more line in STAFF_PAGES or PUBLIC_PAGES.
"""

import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User

from integrations.models import SyncRun
from integrations.sync import runs
from restaurants import status_links
from restaurants.models import Restaurant
from tests.stored import stored, variant, webhook_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Paths with {names} filled from the `world` fixture.
STAFF_PAGES = [
    "/",
    "/restaurants/",
    "/restaurants/{connected}/",
    "/restaurants/{prospect}/",
    "/restaurants/{removed}/",
    "/onboarding/",
    "/onboarding/mine/",
    "/onboarding/metrics/",
    "/map/",
    "/notifications/",
    "/docs/",
    "/docs/runbook/",
    "/admin/",
    "/admin/restaurants/restaurant/",
    "/admin/restaurants/restaurant/{connected}/change/",
]
PUBLIC_PAGES = [
    "/accounts/login/",
    "/docs/",
    "/docs/connect/",
    "{status_page}",
    "/no-such-page/",
]
BLOCKING = {"serious", "critical"}


@pytest.fixture
def world(restaurant):
    """A connected, a prospect and a removed restaurant, a run, an event, a status link."""
    prospect = Restaurant.objects.create(guid=uuid.uuid4())
    removed = stored(variant("restaurant_full", **{"general__name": "Gone Diner"}), connected=False)
    run = runs.start(SyncRun.Kind.REFRESH, SyncRun.Trigger.STAFF, total=4)
    runs.add(run.pk, {"changed": 1, "failed": 1})
    webhook_event(restaurant["guid"], "partner_added")
    author = User.objects.create_user("author", is_staff=True)
    link = status_links.create(Restaurant.objects.get(pk=restaurant["guid"]), author)
    return {
        "connected": restaurant["guid"],
        "prospect": prospect.guid,
        "removed": removed.guid,
        "status_page": status_links.path_for(link),
    }


def _problems(page, url):
    """The page's serious and critical axe violations, and its badges that have no words."""
    page.goto(url)
    page.wait_for_load_state("load")
    results = Axe().run(page)
    found = [
        f"{url}: {violation['id']} ({violation['impact']}) at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]
    # A status told by colour alone is lost on many readers: every badge says it.
    found += [
        f"{url}: a badge without text"
        for text in page.locator(".badge").all_inner_texts()
        if not text.strip()
    ]
    return found


def _focus_ring(page, url):
    """(outline style, width in px) of the first element the Tab key reaches."""
    page.goto(url)
    page.keyboard.press("Tab")
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )


def test_staff_pages_have_no_serious_violation(signed_in_page, live_server, world):
    found = []
    for path in STAFF_PAGES:
        found += _problems(signed_in_page, live_server.url + path.format(**world))
    assert not found, "\n".join(found)
    for path in ["/", "/docs/"]:
        style, width = _focus_ring(signed_in_page, live_server.url + path)
        assert style != "none" and width >= 2, (path, style, width)


def test_public_pages_have_no_serious_violation(browser_page, live_server, world):
    found = []
    for path in PUBLIC_PAGES:
        found += _problems(browser_page, live_server.url + path.format(**world))
    assert not found, "\n".join(found)
    # The sign-in form's fields are typed in the font of their labels.
    browser_page.goto(f"{live_server.url}/accounts/login/")
    fonts = browser_page.locator("label, input:not([type=hidden])").evaluate_all(
        "nodes => nodes.map(n => [getComputedStyle(n).fontFamily, getComputedStyle(n).fontSize])"
    )
    assert len({tuple(font) for font in fonts}) == 1, fonts


def test_the_checker_finds_a_violation(browser_page, live_server):
    """A page with an unlabelled input fails: the checks above can fail."""
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("document.querySelector('label[for=id_username]').remove()")
    assert any(v["id"] == "label" for v in Axe().run(page).response["violations"])
