"""Who may open a staff page: a signed-in staff user holding the permission of what it does.

The one decorator every staff view wears. Anonymous visitors are sent to the
sign-in page and come back afterwards. A signed-in user who is not staff, or
a staff user without the permission (no group yet), gets a clear refusal
saying whom to ask: sending them to sign in again would only loop.

Staff pages show unpublished restaurant data, so no browser or proxy keeps a
copy of them (`Cache-Control: private, no-store`), CSV exports included.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

View = Callable[..., HttpResponse]


def staff_view(permission: str) -> Callable[[View], View]:
    """Guards a view with `permission` ("app_label.codename")."""

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.is_active and user.is_staff and user.has_perm(permission):
                response = view(request, *args, **kwargs)
            else:
                response = render(request, "portal/forbidden.html", status=403)
            patch_cache_control(response, private=True, no_store=True)
            return response

        return guarded

    return decorator
