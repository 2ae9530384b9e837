"""Writes .env from .env.example with a fresh random SECRET_KEY, readable by its owner only.

Run by `make run` with the system's Python, before the virtualenv's packages are
importable: standard library only.
"""

import os
import secrets
import sys

PRIVATE = 0o600


def write_private(target: str, text: str) -> None:
    """Creates `target` (never overwrites it) with mode 0600 from the start, so the
    secret is not readable by others even for an instant, whatever the umask."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    os.fchmod(descriptor, PRIVATE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as template:
        lines = template.read().splitlines()
    key = secrets.token_urlsafe(50)
    lines = [f"SECRET_KEY={key}" if line == "SECRET_KEY=" else line for line in lines]
    write_private(target, "\n".join(lines) + "\n")
    print(f"Wrote {target} (readable by you only) with a new random SECRET_KEY.")


if __name__ == "__main__":
    main(*sys.argv[1:3])
