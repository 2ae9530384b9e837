from django.urls import path

from portal.staff import views, work_views

urlpatterns = [
    path("restaurants/", views.restaurant_list, name="restaurant-list"),
    path("restaurants/<uuid:guid>/", views.restaurant_detail, name="restaurant-detail"),
    path("restaurants/<uuid:guid>/map/", views.delivery_map_page, name="restaurant-map"),
    path("restaurants/<uuid:guid>/refresh/", views.refresh, name="restaurant-refresh"),
    path("restaurants/<uuid:guid>/stage/", work_views.change_stage, name="restaurant-stage"),
    path("restaurants/<uuid:guid>/owner/", work_views.change_owner, name="restaurant-owner"),
    path(
        "restaurants/<uuid:guid>/next-step/",
        work_views.change_next_step,
        name="restaurant-next-step",
    ),
    path("restaurants/<uuid:guid>/notes/", work_views.add_note, name="restaurant-note"),
    path(
        "restaurants/<uuid:guid>/refresh/<int:run>/progress.json",
        views.refresh_progress,
        name="restaurant-refresh-progress",
    ),
]
