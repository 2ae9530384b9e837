from django.urls import path

from . import webhooks

# Matched exactly, ahead of URL resolution, by webhook_first.
PARTNERS_WEBHOOK = "webhooks/toast/partners"

urlpatterns = [
    path(PARTNERS_WEBHOOK, webhooks.partners_webhook, name="partners-webhook"),
]
