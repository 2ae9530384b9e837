"""Makes sure an admin user exists whose login `make run` can print.

The password comes from DJANGO_SUPERUSER_PASSWORD; without one, a random
password is generated once and kept in the private `.env`, never in the
repository or the database (which holds only its hash).
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

PASSWORD_VARIABLE = "DJANGO_SUPERUSER_PASSWORD"


class Command(BaseCommand):
    help = "Create or update the admin user and print its login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--username", default=os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        )

    def handle(self, *args, username, **options):
        password = os.environ.get(PASSWORD_VARIABLE) or self._remembered_password()
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.is_staff = user.is_superuser = True
            user.save()
        self.stdout.write(f"Admin login: {username} / {password}")

    def _remembered_password(self):
        password = secrets.token_urlsafe(12)
        env_file = settings.BASE_DIR / ".env"
        with env_file.open("a", encoding="utf-8") as env:
            env.write(f"\n# Written by `manage.py ensure_admin`\n{PASSWORD_VARIABLE}={password}\n")
        os.environ[PASSWORD_VARIABLE] = password
        return password
