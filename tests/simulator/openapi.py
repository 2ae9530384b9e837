"""The platform's OpenAPI (Swagger 2.0) definitions as JSON Schemas, from ../shared/reference."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

SPECS = Path(settings.BASE_DIR).parent / "shared" / "reference" / "openapi"


def spec_schema(spec, definition, array=False):
    """A validator schema for `definition` of `spec` (authentication, partners, restaurants)."""
    path = SPECS / f"toast-{spec}.yaml"
    if not path.exists():
        pytest.skip(f"the platform's OpenAPI specs are not beside the project ({SPECS})")
    definitions = yaml.safe_load(path.read_text())["definitions"]
    target = {"$ref": f"#/definitions/{definition}"}
    return {
        "definitions": definitions,
        **({"type": "array", "items": target} if array else target),
    }
