"""The portal's own rows: each staff user's choice of what they are told, and how."""

from django.conf import settings
from django.db import models


class NotificationPreference(models.Model):
    """What one staff user hears of (portal/notifications/): which events, and whether
    each comes at once by email, in a daily digest, or not at all."""

    class Delivery(models.TextChoices):
        OFF = "off", "Not by email"
        IMMEDIATE = "immediate", "An email at once"
        DIGEST = "digest", "A daily digest"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.OFF)
    new_connection = models.BooleanField("New connections", default=True)
    removal = models.BooleanField("Removals", default=True)
    regression = models.BooleanField("Checklist regressions after a sync", default=True)
    alert = models.BooleanField("Halted requests and open alerts", default=True)
    # The end of the span the last digest covered: the next one starts there.
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Notifications of {self.user}: {self.get_delivery_display()}"

    def wants(self, category: str) -> bool:
        """Whether this user hears of events of `category` (a field name above)."""
        return bool(getattr(self, category))
