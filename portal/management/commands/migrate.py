"""`migrate` that, without --database, migrates every configured database.

On SQLite the rate-limit budgets have a database of their own (portal/routers.py);
this keeps `manage.py migrate` the one step a deployment needs. With --database
(as the test runner calls it) it migrates that one only, as Django's own does.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.commands import migrate


class Command(migrate.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(database=None)

    def get_check_kwargs(self, options):
        return {**super().get_check_kwargs(options), "databases": self._aliases(options)}

    def handle(self, *args, **options):
        aliases = self._aliases(options)
        for alias in aliases:
            if len(aliases) > 1 and options["verbosity"] >= 1:
                # Django's own output does not say which database it is about:
                # two runs of "No migrations to apply." read like one repeated.
                self.stdout.write(self.style.MIGRATE_HEADING(_heading(alias)))
            super().handle(*args, **{**options, "database": alias})

    def _aliases(self, options):
        return [options["database"]] if options["database"] else list(settings.DATABASES)


def _heading(alias: str) -> str:
    name = settings.DATABASES[alias]["NAME"]
    return f"Database {alias!r} ({Path(str(name)).name}):"
