"""The private .env is private, and the admin's password is shown once and kept nowhere."""

import io
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from portal.management.commands.ensure_admin import new_password


def test_the_env_file_make_run_writes_is_readable_by_its_owner_only(tmp_path):
    target = tmp_path / ".env"
    base = settings.BASE_DIR

    subprocess.run(
        [sys.executable, str(base / "portal/make_env.py"), str(base / ".env.example"), target],
        check=True,
        capture_output=True,
        preexec_fn=lambda: os.umask(0o022),  # the usual umask, which made it 0644
    )

    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text()
    key = next(line for line in text.splitlines() if line.startswith("SECRET_KEY="))
    assert len(key.removeprefix("SECRET_KEY=")) >= 50
    assert "DJANGO_SUPERUSER_PASSWORD" not in text


def ensure_admin():
    out = io.StringIO()
    call_command("ensure_admin", "--username", "boss", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_the_admin_password_is_shown_once_when_the_admin_is_created():
    first = ensure_admin()
    password = first.split("boss / ", 1)[1].split()[0]

    second = ensure_admin()

    assert get_user_model().objects.get(username="boss").check_password(password)
    assert password not in second
    assert "changepassword boss" in second
    env_file = settings.BASE_DIR / ".env"
    assert not env_file.exists() or password not in env_file.read_text()


def test_the_admin_password_is_letters_and_digits_only():
    """One that began with "-" was read as an option when pasted after a command
    (token_urlsafe: 1 in 32 did); 1,000 draws would have met several."""
    passwords = {new_password() for _ in range(1000)}

    assert len(passwords) == 1000
    assert all(password.isascii() and password.isalnum() for password in passwords)
    assert min(len(password) for password in passwords) >= 20
