from django.urls import path

from portal.outreach import views

urlpatterns = [
    path("restaurants/<uuid:guid>/contacts/", views.add_contact, name="contact-add"),
    path("restaurants/<uuid:guid>/contacts/<int:pk>/", views.change_contact, name="contact-change"),
    path(
        "restaurants/<uuid:guid>/contacts/<int:pk>/remove/",
        views.remove_contact,
        name="contact-remove",
    ),
    path(
        "restaurants/<uuid:guid>/status-email/",
        views.email_status_link,
        name="status-link-email",
    ),
    path("restaurants/<uuid:guid>/reminders/", views.pause_reminders, name="reminders-pause"),
]
