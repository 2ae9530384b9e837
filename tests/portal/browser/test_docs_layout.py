"""The documentation's layout in a browser: staff badges beside their page's name, on a
phone the list of pages first and each page listed once on the index, and the ¶
anchors only on hover or keyboard focus."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TOP = "el => el.getBoundingClientRect().top"


def _badges_beside_their_names(page):
    """(page name, whether its badge sits beside the name, not on a line of its own)."""
    return page.locator(".docs-nav li:has(.docs-badge)").evaluate_all(
        """items => items.map(li => {
          const link = li.querySelector('a').getBoundingClientRect();
          const badge = li.querySelector('.docs-badge').getBoundingClientRect();
          return [li.innerText, badge.left >= link.right - 1 && badge.top < link.bottom];
        })"""
    )


def test_the_docs_read_well_on_a_laptop_and_a_phone(signed_in_page, live_server):
    page, base = signed_in_page, live_server.url
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{base}/docs/runbook/")
    beside = _badges_beside_their_names(page)
    assert beside and all(ok for _, ok in beside), beside

    anchor = page.locator(".docs-body h2 .headerlink").first
    assert anchor.evaluate("a => getComputedStyle(a).opacity") == "0"
    page.locator(".docs-body h2").first.hover()
    assert anchor.evaluate("a => getComputedStyle(a).opacity") == "1"

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/docs/runbook/")
    assert anchor.evaluate("a => getComputedStyle(a).opacity") == "0"
    assert page.locator(".docs-nav").evaluate(TOP) < page.locator(".docs-content").evaluate(TOP)
    anchor.focus()
    assert anchor.evaluate("a => getComputedStyle(a).opacity") == "1"

    page.goto(f"{base}/docs/")
    links = page.locator("main a[href^='/docs/']:visible").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert links and len(links) == len(set(links)), links
