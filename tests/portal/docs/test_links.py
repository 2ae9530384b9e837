"""Every internal link and #anchor of the rendered documentation resolves."""

import pytest
from django.urls import reverse

from portal.docs import pages
from restaurants import onboarding
from tests.portal.docs.linkcheck import crawl, parse

pytestmark = pytest.mark.django_db


def docs_crawl(client):
    return crawl(client, reverse("docs-index"), prefix="/docs/")


def test_every_link_a_visitor_can_follow_resolves(client):
    result = docs_crawl(client)

    assert result.broken == []
    public = {reverse("docs-page", args=[p.slug]) for p in pages.all_pages() if not p.internal}
    assert public <= set(result.pages), "some public pages are not reachable from the index"
    assert len(result.links) > 100


def test_public_pages_never_link_to_internal_ones(client):
    internal = {reverse("docs-page", args=[p.slug]) for p in pages.all_pages() if p.internal}

    result = docs_crawl(client)

    assert internal.isdisjoint(result.pages)


def test_every_link_staff_can_follow_resolves(staff_client):
    result = docs_crawl(staff_client)

    assert result.broken == []
    every = {reverse("docs-page", args=[p.slug]) for p in pages.all_pages()}
    assert every <= set(result.pages)


def test_the_checker_reports_a_missing_anchor_and_a_missing_page(client, monkeypatch, tmp_path):
    source = tmp_path / "pages"
    source.mkdir()
    (source / "broken.md").write_text(
        "---\ntitle: Broken\naudience: restaurants\n---\n"
        "## Here {#here}\n\n[ok](#here) [bad anchor](#nowhere) [bad page](../no-such-page/)\n"
    )
    monkeypatch.setattr(pages, "PAGES_DIR", source)

    result = docs_crawl(client)

    assert sorted((href, why) for _, href, why in result.broken) == [
        ("#nowhere", "no such anchor"),
        ("../no-such-page/", "HTTP 404"),
    ]


def test_every_checklist_item_links_to_an_existing_section(client, full_restaurant):
    for entry in onboarding.checklist(full_restaurant):
        path, anchor = entry.doc_url.split("#")
        response = client.get(path)

        assert response.status_code == 200, entry.doc_url
        assert anchor in parse(response.content.decode()).ids, entry.doc_url
