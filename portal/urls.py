from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal.health import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", health, name="health"),
    path("docs/", include("portal.docs.urls")),
    path("", include("restaurants.status_urls")),
    path("", include("restaurants.urls")),
    path("", include("integrations.urls")),
]
