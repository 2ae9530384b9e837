"""Online backup and restore of the portal's default database.

SQLite: the online backup API copies the whole file in one step, inside one read
transaction, so the copy is one consistent moment even while a sync writes (WAL
lets the writers go on). PostgreSQL: pg_dump (one snapshot) and pg_restore, in a
single transaction, found on PATH. The rate-limit budgets are not copied: they
only count requests of the current window.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def backup(destination: Path, alias: str = "default") -> None:
    """Writes a copy of the database to `destination`, complete or not at all."""
    database = connections[alias]
    partial = destination.with_name(destination.name + ".partial")
    if database.vendor == "sqlite":
        _copy_sqlite(database.settings_dict["NAME"], partial)
    elif database.vendor == "postgresql":
        _run(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            partial,
            settings=database.settings_dict,
        )
    else:
        raise BackupError(f"No backup for {database.vendor} databases.")
    partial.replace(destination)


def restore(source: Path, alias: str = "default") -> None:
    """Replaces the database's content with the backup in `source`."""
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    database = connections[alias]
    database.close()  # the copy replaces what this connection would see
    if database.vendor == "sqlite":
        _check_sqlite(source)
        _copy_sqlite(source, Path(database.settings_dict["NAME"]))
    elif database.vendor == "postgresql":
        _run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            database.settings_dict["NAME"],
            source,
            settings=database.settings_dict,
        )
    else:
        raise BackupError(f"No restore for {database.vendor} databases.")


def _copy_sqlite(source: Path | str, target: Path) -> None:
    origin = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(target, timeout=30)
    try:
        origin.backup(copy)  # pages=-1: all in one step, one consistent moment
    finally:
        copy.close()
        origin.close()


def _check_sqlite(path: Path) -> None:
    """Refuses a file that is not a sound SQLite copy of a migrated portal."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            migrated = copy.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'"
            ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an SQLite database: {exc}") from exc
    if verdict != "ok" or not migrated:
        raise BackupError(f"{path} is not a sound backup of the portal ({verdict}).")


def _run(program: str, *arguments: str | Path, settings: dict) -> None:
    """Runs a PostgreSQL client; the password travels in its environment, never argv."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not on PATH: install PostgreSQL's client programs.")
    environment = {
        **os.environ,
        "PGHOST": settings.get("HOST") or "",
        "PGPORT": str(settings.get("PORT") or ""),
        "PGUSER": settings.get("USER") or "",
        "PGPASSWORD": settings.get("PASSWORD") or "",
        "PGDATABASE": settings["NAME"],
    }
    result = subprocess.run(
        [executable, *map(str, arguments)], env=environment, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed ({result.returncode}): {result.stderr.strip()}")
