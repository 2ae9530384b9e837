"""The portal's admin site: Django's, under the portal's name, with a date drill-down that
refuses dates that cannot exist.

Django turns `?<field>__year=9999` into a range ending a year later, past the
last date Python has, and fails with a 500; a year of twenty digits overflows.
Such a link is a bad request: every change list with a `date_hierarchy` (the
installed apps': django-axes' lockouts) answers it with 400, and so do the
portal's, whose date filter reads the same links (portal/admin/date_filter.py).
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import BadRequest
from django.utils import timezone


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
        drill_down_range(request.GET, field)  # BadRequest for a date that does not exist
        return view(request, *args, **kwargs)

    return checked


def drill_down_range(params: Mapping[str, str], field: str) -> tuple[datetime, datetime] | None:
    """The instants [start, end) of the year, month or day a drill-down link asks for
    (`<field>__year`, `__month`, `__day`), None without a year. BadRequest if the date, or
    the range after it, does not exist."""
    year = params.get(f"{field}__year")
    if year is None:
        return None
    month, day = params.get(f"{field}__month"), params.get(f"{field}__day")
    try:
        start = datetime(int(year), int(month or 1), int(day or 1))
        if day:
            end = start + timedelta(days=1)
        elif month:
            end = (start + timedelta(days=32)).replace(day=1)
        else:
            end = start.replace(year=start.year + 1)
        return timezone.make_aware(start), timezone.make_aware(end)
    except (ValueError, OverflowError) as exc:
        raise BadRequest("The date drill-down asks for a date that does not exist.") from exc
