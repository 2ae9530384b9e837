"""Imports RestaurantInfo JSON files through the same mapping as the sync."""

from django.core.management.base import BaseCommand, CommandError

from restaurants import strict_json
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Snapshot


class Command(BaseCommand):
    help = (
        "Store RestaurantInfo payloads from JSON files (one object or a list of objects). "
        "Refused payloads leave the stored data as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.json")

    def handle(self, *args, files, **options):
        refused = []
        for path in files:
            for outcome in map(self._import_one, _payloads(path)):
                if outcome.ok:
                    self.stdout.write(f"{outcome.guid}: {outcome.status}")
                else:
                    refused.append(f"{path}: {outcome.error}")
        if refused:
            raise CommandError("; ".join(refused))

    def _import_one(self, payload):
        return apply_restaurant_info(payload, source=Snapshot.Source.IMPORT)


def _payloads(path):
    try:
        with open(path, "rb") as file:
            data = strict_json.loads(file.read())
    except OSError as exc:
        raise CommandError(f"{path}: cannot read ({exc.strerror})") from exc
    except (strict_json.TooDeep, strict_json.InvalidText) as exc:
        raise CommandError(f"{path}: {exc}") from exc
    except ValueError as exc:
        raise CommandError(f"{path}: not JSON ({exc})") from exc
    return data if isinstance(data, list) else [data]
