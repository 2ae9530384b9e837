"""Settings come from the environment; production settings pass Django's deploy check."""

import re
import secrets
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings

from tests.portal.deployment.commands import manage


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        HTTPS="true",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.com",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "key",
    ["", "django-insecure-development-only-key", "short-but-random-Xq3v"],
    ids=["missing", "the-old-fallback", "too-short"],
)
def test_the_portal_refuses_to_start_without_a_real_secret_key(key):
    result = manage("check", SECRET_KEY=key, DEBUG="false")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is missing or not a real key" in result.stderr


def test_without_credentials_the_portal_uses_the_simulator_with_derived_secrets():
    assert settings.TOAST_USE_SIMULATOR
    assert settings.TOAST_API_HOSTNAME == "http://127.0.0.1:8765"
    assert len(settings.TOAST_CLIENT_SECRET) == 64
    assert settings.TOAST_CLIENT_SECRET != settings.TOAST_WEBHOOK_SECRET


def test_a_command_logs_no_axes_version_banner():
    """django-axes logged "AXES: BEGIN version ..." at INFO in every process."""
    result = manage("check")

    assert result.returncode == 0, result.stderr
    assert "AXES" not in result.stdout + result.stderr


def test_make_run_keeps_the_simulators_world_beside_the_database(tmp_path):
    database = tmp_path / "portal.sqlite3"
    show = "from django.conf import settings; print(settings.SIMULATOR_STATE_FILE)"

    result = manage("shell", "--no-imports", "-c", show, DATABASE_URL=f"sqlite:///{database}")

    assert result.stdout.strip() == str(tmp_path / "simulator-state.json"), result.stderr


def test_one_migrate_creates_the_sqlite_budgets_file_beside_the_database(tmp_path):
    database = tmp_path / "portal.sqlite3"
    result = manage("migrate", "--noinput", DATABASE_URL=f"sqlite:///{database}")

    assert result.returncode == 0, result.stderr
    tables = {
        path.name: set(
            row[0]
            for row in sqlite3.connect(path).execute(
                "SELECT name FROM sqlite_master WHERE type='table'"
            )
        )
        for path in (database, tmp_path / "budgets-portal.sqlite3")
    }
    assert "integrations_ratebudget" in tables["budgets-portal.sqlite3"]
    assert "integrations_ratebudget" not in tables["portal.sqlite3"]
    assert "restaurants_restaurant" in tables["portal.sqlite3"]
    assert "restaurants_restaurant" not in tables["budgets-portal.sqlite3"]
    # Each database's part of the output says which one it is, also on a rerun.
    again = manage("migrate", "--noinput", DATABASE_URL=f"sqlite:///{database}")
    for output in (result.stdout, again.stdout):
        assert output.index("Database 'default' (portal.sqlite3):") < output.index(
            "Database 'budgets' (budgets-portal.sqlite3):"
        )
    assert again.stdout.count("No migrations to apply.") == 2


# What the portal reads from the environment: `env.int("NAME", ...)` and the like in
# the settings, `os.environ.get("NAME")` or a `..._VARIABLE = "NAME"` elsewhere.
READS = re.compile(r'(?:\benv(?:\.\w+)?\(|environ\.get\(|_VARIABLE = )\s*"([A-Z][A-Z0-9_]+)"')


def test_every_setting_read_from_the_environment_is_in_env_example():
    base = Path(settings.BASE_DIR)
    read = {
        name
        for package in ("portal", "restaurants", "integrations")
        for source in (base / package).rglob("*.py")
        for name in READS.findall(source.read_text())
    }
    example = (base / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))

    assert {"DATABASE_URL", "TOAST_SYNC_CONCURRENCY", "PORTAL_PORT", "HTTPS"} <= read
    assert sorted(read - documented) == []


def test_with_platform_credentials_the_integration_name_is_required():
    credentials = {"TOAST_CLIENT_ID": "partner", "TOAST_CLIENT_SECRET": "s" * 40}
    result = manage("check", INTEGRATION_NAME="", **credentials)
    assert result.returncode != 0
    assert "ImproperlyConfigured: INTEGRATION_NAME is not set" in result.stderr
    assert manage("check", INTEGRATION_NAME="Tablebooker", **credentials).returncode == 0


def test_the_simulator_gives_the_integration_a_name_that_reads_as_one():
    show = "from django.conf import settings; print(settings.INTEGRATION_NAME)"
    result = manage("shell", "--no-imports", "-c", show, INTEGRATION_NAME="")
    assert result.stdout.strip() == "Demo Integration", result.stderr
