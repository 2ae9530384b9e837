"""The private onboarding status page, and the staff actions that make and revoke its links."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.outreach.opens import record_open
from portal.staff.access import staff_view
from restaurants import onboarding, status_links
from restaurants.models import Restaurant, StatusLink


@require_GET
@never_cache
def status_page(request, token):
    """One restaurant's checklist, for whoever holds its link.

    Every refusal (tampered, unknown, expired, revoked) gets the same page and
    status, so a visitor learns nothing about which links exist.
    """
    link = status_links.open_link(token)
    if link is None:
        response = render(request, "status/invalid.html", status=404)
    else:
        record_open(link)
        entries = onboarding.checklist(link.restaurant)
        response = render(
            request,
            "status/page.html",
            {
                "restaurant": link.restaurant,
                "link": link,
                "entries": entries,
                "done": sum(entry.done for entry in entries),
                "total": onboarding.TOTAL,
            },
        )
    # Not for search engines, and the token must not leave in a Referer header.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@staff_view("restaurants.add_statuslink")
@require_POST
def create_link(request, guid):
    restaurant = get_object_or_404(Restaurant.objects.select_related("connection"), pk=guid)
    if not restaurant.is_connected():
        # A prospect has nothing to show yet; a removed restaurant left the integration.
        messages.error(request, f"No status link for {restaurant}: it is not connected.")
        return _back(request, restaurant)
    link = status_links.create(restaurant, request.user)
    messages.success(
        request,
        f"Status link created for {restaurant}; it works until {link.expires_at:%Y-%m-%d}."
        " Copy it from the status link panel.",
    )
    return _back(request, restaurant)


@staff_view("restaurants.change_statuslink")
@require_POST
def revoke_link(request, guid, pk):
    link = get_object_or_404(
        StatusLink.objects.select_related("restaurant"), pk=pk, restaurant=guid
    )
    status_links.revoke(link, by=request.user)
    messages.success(request, f"Status link #{link.pk} revoked: it no longer opens.")
    return _back(request, link.restaurant)


def _back(request, restaurant):
    """To the page the form was on (`next`), else to the restaurant's page."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(restaurant)
