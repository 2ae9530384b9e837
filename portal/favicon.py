"""`/favicon.ico`: browsers ask for it on a first visit whatever a page links, and each
miss was a 404 WARNING in the log. It points at the portal's icon in static/."""

from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

ICON = "favicon.svg"


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(static(ICON))
