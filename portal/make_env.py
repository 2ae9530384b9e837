"""Writes .env from .env.example with a fresh random SECRET_KEY."""

import secrets
import sys

source, target = sys.argv[1:3]
with open(source) as template:
    lines = template.read().splitlines()
key = secrets.token_urlsafe(50)
lines = [f"SECRET_KEY={key}" if line == "SECRET_KEY=" else line for line in lines]
with open(target, "x") as out:
    out.write("\n".join(lines) + "\n")
print(f"Wrote {target} with a new random SECRET_KEY.")
