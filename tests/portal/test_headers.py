"""The Content-Security-Policy every page carries, and the pages that obey it."""

import re

import pytest

from restaurants import status_links
from restaurants.models import Restaurant

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def policy(response):
    """{directive: [sources]} of the response's Content-Security-Policy header."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


def _pages(guid, token):
    return [
        "/",
        "/restaurants/",
        f"/restaurants/{guid}/",
        "/docs/",
        "/docs/connect/",
        "/docs/runbook/",
        f"/status/{token}/",
        "/admin/",
        f"/admin/restaurants/restaurant/{guid}/change/",
    ]


def test_every_page_runs_only_the_portals_own_scripts(staff_client, full, staff_user):
    token = status_links.token_for(
        status_links.create(Restaurant.objects.get(pk=full["guid"]), staff_user)
    )
    for url in [*_pages(full["guid"], token), "/accounts/login/"]:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        rules = policy(response)
        assert rules["script-src"] == ["'self'"], url
        assert rules["default-src"] == ["'self'"] and rules["frame-ancestors"] == ["'none'"], url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html))
        assert not EVENT_HANDLER.search(html), (url, EVENT_HANDLER.search(html))


def test_the_map_document_marks_its_inline_code_with_the_nonce(staff_client, full):
    response = staff_client.get(f"/restaurants/{full['guid']}/map/")
    rules = policy(response)
    nonces = {source for source in rules["script-src"] if source.startswith("'nonce-")}
    assert len(nonces) == 1 and rules["style-src"] == ["'self'", *nonces]
    nonce = nonces.pop().removeprefix("'nonce-").removesuffix("'")
    html = response.content.decode()
    tags = re.findall(r"<(?:script|style)\b[^>]*>", html)
    assert len(tags) >= 4 and all(f'nonce="{nonce}"' in tag for tag in tags), tags
    assert rules["frame-ancestors"] == ["'self'"]
    other = staff_client.get(f"/restaurants/{full['guid']}/map/")
    assert policy(other)["script-src"] != rules["script-src"]  # a new nonce each time
