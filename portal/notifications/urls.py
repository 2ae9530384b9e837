from django.urls import path

from portal.notifications import views

urlpatterns = [
    path("notifications/", views.preferences, name="notification-preferences"),
]
