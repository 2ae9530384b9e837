"""The 500 page in the portal's look. Django renders it without the context
processors, since they may be what failed; the portal's name is all it needs."""

from django.conf import settings
from django.http import HttpRequest, HttpResponseServerError
from django.template import loader


def server_error(request: HttpRequest) -> HttpResponseServerError:
    page = loader.render_to_string("500.html", {"PORTAL_NAME": settings.PORTAL_NAME})
    return HttpResponseServerError(page)
