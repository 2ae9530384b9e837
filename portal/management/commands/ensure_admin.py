"""Makes sure an admin user exists, and prints its password once: when it is created.

The password is random and kept nowhere but as the database's hash; a lost one is
reset with `manage.py changepassword`.
"""

import os
import secrets
import string

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

# Written into .env by earlier versions; no longer read, and better deleted.
OBSOLETE_PASSWORD_SETTING = "DJANGO_SUPERUSER_PASSWORD"
# Letters and digits only: token_urlsafe's "-" and "_" made passwords that began
# with "-" (read as an option when pasted after a command) or broke a double-click.
PASSWORD_ALPHABET = string.ascii_letters + string.digits
PASSWORD_LENGTH = 20  # about 119 bits


def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


class Command(BaseCommand):
    help = "Create the admin user if it does not exist, printing its password once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--username", default=os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        )

    def handle(self, *args, username, **options):
        if OBSOLETE_PASSWORD_SETTING in os.environ:
            self.stderr.write(
                self.style.WARNING(
                    f"{OBSOLETE_PASSWORD_SETTING} is no longer read: delete it from .env "
                    "(the admin's password is kept only as a hash in the database)."
                )
            )
        users = get_user_model().objects
        if users.filter(username=username).exists():
            self.stdout.write(
                f"Admin user {username!r} exists (forgot its password? "
                f"python manage.py changepassword {username})."
            )
            return
        password = new_password()
        users.create_superuser(username=username, password=password)
        self.stdout.write(
            self.style.SUCCESS(f"Created the admin user: {username} / {password}")
            + "\nThis password is shown only now: note it, or reset it later with "
            f"`python manage.py changepassword {username}`."
        )
