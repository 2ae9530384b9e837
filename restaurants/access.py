"""Who may open the staff pages: a signed-in staff user.

Anonymous visitors are sent to the sign-in page and come back afterwards. A
signed-in user who is not staff gets a clear refusal instead: sending them to
sign in again would only loop.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render


def staff_required(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            return render(request, "portal/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return guarded
