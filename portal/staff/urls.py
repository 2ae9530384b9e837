from django.urls import path

from portal.staff import views

urlpatterns = [
    path("restaurants/", views.restaurant_list, name="restaurant-list"),
    path("restaurants/<uuid:guid>/", views.restaurant_detail, name="restaurant-detail"),
    path("restaurants/<uuid:guid>/map/", views.delivery_map_page, name="restaurant-map"),
    path("restaurants/<uuid:guid>/refresh/", views.refresh, name="restaurant-refresh"),
]
