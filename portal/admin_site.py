"""The portal's admin site: Django's, under the portal's name, with a date drill-down that
refuses dates that cannot exist.

Django turns `?<field>__year=9999` into a range ending a year later, past the
last date Python has, and fails with a 500; a year of twenty digits overflows.
Such a link is a bad request: every change list with a `date_hierarchy`, the
portal's and the installed apps' (django-axes' lockouts), answers it with 400.
"""

from datetime import MAXYEAR, datetime
from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import BadRequest
from django.http import QueryDict


class PortalAdminSite(admin.AdminSite):
    # Read per request, so that the name in settings (PORTAL_NAME) is the one shown.
    @property
    def site_header(self):
        return f"{settings.PORTAL_NAME} administration"

    @property
    def site_title(self):
        return settings.PORTAL_NAME

    index_title = "Records and settings"

    def admin_view(self, view, cacheable=False):
        field = getattr(getattr(view, "__self__", None), "date_hierarchy", None)
        if field and view.__name__ == "changelist_view":
            view = _refusing_impossible_dates(view, field)
        return super().admin_view(view, cacheable)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"


def _refusing_impossible_dates(view, field):
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not drill_down_exists(request.GET, field):
            raise BadRequest("The date drill-down asks for a date that does not exist.")
        return view(request, *args, **kwargs)

    return checked


def drill_down_exists(params: QueryDict, field: str) -> bool:
    """Whether the year, month and day asked for, and the range after them, are real dates."""
    year = params.get(f"{field}__year")
    if year is None:
        return True
    try:
        month = params.get(f"{field}__month", "1")
        day = params.get(f"{field}__day", "1")
        datetime(int(year), int(month), int(day))
    except (ValueError, OverflowError):
        return False
    return int(year) < MAXYEAR  # the drill-down's range ends up to a year later
