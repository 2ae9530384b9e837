from django.urls import path

from . import webhooks

urlpatterns = [
    path("webhooks/toast/partners", webhooks.partners_webhook, name="partners-webhook"),
]
