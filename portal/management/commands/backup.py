"""`manage.py backup FILE`: an online, consistent copy of the default database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = "Copy the default database to FILE while the portal runs (SQLite or pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            backup.backup(file)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backed up the database to {file} ({file.stat().st_size:,} bytes).")
