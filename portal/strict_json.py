"""JSON from outside the portal, refused when a string holds a lone surrogate.

JSON may escape one half of a UTF-16 pair on its own (`"\\ud800"`). Python
reads that into a string that no UTF-8 encoder, hash or PostgreSQL column
accepts, so it would fail later, far from its cause; no sound producer sends
it, so it is refused where it comes in.
"""

import json
import re

# Only an escape can produce a surrogate: raw UTF-8 bytes cannot encode one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


NOT_UNICODE = "text that is not valid Unicode (a lone UTF-16 surrogate)"


class InvalidText(ValueError):
    """JSON whose text is not valid Unicode."""


def loads(body):
    """Parses a JSON body (bytes); raises ValueError, InvalidText for a lone surrogate."""
    value = json.loads(body)
    if _SURROGATE_ESCAPE.search(body):
        path = lone_surrogate_path(value)
        if path is not None:
            raise InvalidText(f"{path or 'the body'}: {NOT_UNICODE}")
    return value


def lone_surrogate_path(value, path=""):
    """The path (`general.name`, `services[2]`) of the first string or key in `value`
    that cannot be encoded as UTF-8, or None when there is none."""
    if isinstance(value, str):
        return None if _encodable(value) else path
    if isinstance(value, dict):
        # A key is checked as a child of its own path, before its value.
        children = ((_join(path, key), part) for key, item in value.items() for part in (key, item))
    elif isinstance(value, list):
        children = ((f"{path}[{index}]", item) for index, item in enumerate(value))
    else:
        return None
    for where, child in children:
        found = lone_surrogate_path(child, where)
        if found is not None:
            return found
    return None


def _join(path, key):
    key = key.encode("utf-8", "backslashreplace").decode()  # the path itself must be printable
    return f"{path}.{key}" if path else key


def _encodable(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
