"""The Django admin of both apps: staff UI, so it belongs to the front."""

from portal.admin import integrations, restaurants

__all__ = ["integrations", "restaurants"]
