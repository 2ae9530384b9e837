from django.urls import path

from portal.map import views

urlpatterns = [
    path("", views.map_page, name="restaurants-map"),
    path("frame/", views.map_frame, name="restaurants-map-frame"),
    path("markers.json", views.markers, name="restaurants-map-markers"),
]
