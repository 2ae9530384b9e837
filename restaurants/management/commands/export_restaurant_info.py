"""Prints stored restaurants as RestaurantInfo JSON rebuilt from the models."""

import json

from django.core.management.base import BaseCommand, CommandError

from restaurants.models import Restaurant
from restaurants.restaurant_info import export
from restaurants.values import as_uuid


class Command(BaseCommand):
    help = (
        "Print the stored restaurant as RestaurantInfo JSON, rebuilt from the models "
        "(--all: every restaurant, keyed by GUID)."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("guid", nargs="?")
        target.add_argument("--all", action="store_true")

    def handle(self, *args, guid, all, **options):
        restaurants = Restaurant.objects.prefetch_related("day_schedules__services")
        if all:
            data = {str(r.pk): export(r) for r in restaurants.order_by("pk")}
        else:
            try:
                data = export(restaurants.get(pk=as_uuid(guid)))
            except Restaurant.DoesNotExist as exc:
                raise CommandError(f"No stored restaurant with GUID {guid!r}") from exc
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
