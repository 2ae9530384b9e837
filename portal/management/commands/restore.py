"""`manage.py restore FILE`: the default database becomes the backup in FILE."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = (
        "Replace the default database's content with a backup. Stop the web server and "
        "the queue workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--noinput", action="store_true", help="Do not ask to confirm.")

    def handle(self, *args, file, noinput, **options):
        if not noinput and input(f"Replace every row with {file}? Type yes: ") != "yes":
            raise CommandError("Nothing restored.")
        try:
            backup.restore(file)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the database from {file}. Run `manage.py migrate` if the backup is "
            "older than this version, then start the workers and the web server."
        )
