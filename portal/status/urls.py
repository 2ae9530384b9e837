from django.urls import path

from portal.status import views as status_views

urlpatterns = [
    path(
        "restaurants/<uuid:guid>/status-links/",
        status_views.create_link,
        name="status-link-create",
    ),
    path(
        "restaurants/<uuid:guid>/status-links/<int:pk>/revoke/",
        status_views.revoke_link,
        name="status-link-revoke",
    ),
    path("status/<str:token>/", status_views.status_page, name="status-page"),
]
