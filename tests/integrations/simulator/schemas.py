"""The project's own JSON Schemas of the platform's answers (platform.schema.json)."""

import json
from pathlib import Path

SCHEMA = json.loads((Path(__file__).parent / "platform.schema.json").read_text())


def schema_for(definition):
    """A schema that validates one `$defs` entry, e.g. schema_for("RestaurantInfo")."""
    return {**SCHEMA, "$ref": f"#/$defs/{definition}"}
