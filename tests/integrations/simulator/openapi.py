"""The platform's OpenAPI (Swagger 2.0) files, from ../shared/reference, as parsed YAML and
as JSON Schemas."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

SPECS = Path(settings.BASE_DIR).parent / "shared" / "reference" / "openapi"
NAMES = ("authentication", "partners", "restaurants")


class _Loader(yaml.SafeLoader):
    """YAML as JSON reads it: an unquoted `2023-03-12T08:32:34.008000Z` example stays
    text (YAML alone would make it a datetime, which JSON has not)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_spec(name):
    """The parsed `toast-{name}.yaml`; the test is skipped where the files are absent."""
    path = SPECS / f"toast-{name}.yaml"
    if not path.exists():
        pytest.skip(f"the platform's OpenAPI specs are not beside the project ({SPECS})")
    return yaml.load(path.read_text(), Loader=_Loader)


def spec_schema(spec, definition, array=False):
    """A validator schema for `definition` of `spec` (authentication, partners, restaurants)."""
    target = {"$ref": f"#/definitions/{definition}"}
    return {
        "definitions": load_spec(spec)["definitions"],
        **({"type": "array", "items": target} if array else target),
    }
