"""Prints a stored restaurant as RestaurantInfo JSON rebuilt from the models."""

import json
import uuid

from django.core.management.base import BaseCommand, CommandError

from restaurants.models import Restaurant
from restaurants.restaurant_info import export


class Command(BaseCommand):
    help = "Print the stored restaurant as RestaurantInfo JSON, rebuilt from the models."

    def add_arguments(self, parser):
        parser.add_argument("guid")

    def handle(self, *args, guid, **options):
        try:
            restaurant = Restaurant.objects.prefetch_related("day_schedules__services").get(
                pk=uuid.UUID(guid)
            )
        except (ValueError, Restaurant.DoesNotExist) as exc:
            raise CommandError(f"No stored restaurant with GUID {guid!r}") from exc
        self.stdout.write(json.dumps(export(restaurant), indent=2, ensure_ascii=False))
