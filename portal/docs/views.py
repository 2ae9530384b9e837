"""The documentation: public pages for restaurants, and the staff runbook."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from portal.docs import pages, rendering


def index(request):
    visible = pages.visible_pages(request.user)
    return render(
        request,
        "docs/index.html",
        {"groups": _grouped(visible), "hidden_pages": len(pages.all_pages()) - len(visible)},
    )


def page(request, slug):
    found = pages.get(slug)
    if found is None:
        raise Http404("No such documentation page")
    if not found.visible_to(request.user):
        if request.user.is_authenticated:
            raise PermissionDenied("This page is for staff")
        return redirect_to_login(request.get_full_path())
    visible = pages.visible_pages(request.user)
    content, toc = rendering.render(found, request)
    position = visible.index(found)
    response = render(
        request,
        "docs/page.html",
        {
            "page": found,
            "content": content,
            "toc": toc,
            "groups": _grouped(visible),
            "previous": visible[position - 1] if position > 0 else None,
            "next": visible[position + 1] if position + 1 < len(visible) else None,
        },
    )
    if found.internal:
        patch_cache_control(response, private=True)
    return response


def _grouped(visible):
    """[(audience label, [pages])], in navigation order."""
    groups = {}
    for item in visible:
        groups.setdefault(item.audience_label, []).append(item)
    return list(groups.items())
