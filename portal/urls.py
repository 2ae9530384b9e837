from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import dashboard
from portal.favicon import favicon
from portal.health import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", health, name="health"),
    path("favicon.ico", favicon),
    path("", dashboard.dashboard, name="dashboard"),
    path("sync-runs/progress.json", dashboard.sync_progress, name="sync-progress"),
    path("docs/", include("portal.docs.urls")),
    path("onboarding/metrics/", include("portal.metrics.urls")),
    path("map/", include("portal.map.urls")),
    path("onboarding/", include("portal.onboarding.urls")),
    path("", include("portal.status.urls")),
    path("", include("portal.staff.urls")),
    path("", include("portal.outreach.urls")),
    path("", include("portal.notifications.urls")),
    path("", include("integrations.urls")),
]

handler500 = "portal.error_pages.server_error"
