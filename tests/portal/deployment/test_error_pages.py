"""With DEBUG off, 404, 403 and 500 are the portal's own pages, in its look."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.urls import handler500, urlpatterns

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*urlpatterns, path("test/forbidden/", _forbidden), path("test/broken/", _broken)]
handler500 = handler500


def in_the_portals_look(response):
    page = response.content.decode()
    return "css/portal" in page and 'class="topbar"' in page and "Onboarding Portal" in page


def test_a_missing_page_is_the_portals_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "There is no page at this address" in response.content.decode()
    assert in_the_portals_look(response)


def test_a_refusal_is_the_portals_403(client):
    response = client.get("/test/forbidden/")

    assert response.status_code == 403
    assert "Ask an administrator for access" in response.content.decode()
    assert in_the_portals_look(response)


def test_a_server_error_is_the_portals_500(client):
    client.raise_request_exception = False

    response = client.get("/test/broken/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert in_the_portals_look(response)
