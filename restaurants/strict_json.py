"""JSON from outside the portal: what no sound producer sends is refused where it comes in.

- A string holding one half of a UTF-16 pair on its own (`"\\ud800"`): Python
  reads it into a string that no UTF-8 encoder, hash or PostgreSQL column
  accepts, so it would fail later, far from its cause.
- Nesting deeper than any documented shape (RestaurantInfo has 6 levels):
  thousands of levels exhaust Python's recursion limit in the parser, and a
  few hundred in the next reader of the stored value (a worker's stack).

A NUL character is valid JSON and valid Unicode, but PostgreSQL stores it in
neither text nor jsonb; `nul_path` finds it, and each writer decides (the
webhook and the RestaurantInfo mapping refuse, naming the field) so that
both databases behave alike.
"""

import json
import re

# Only an escape can produce a surrogate or a NUL: raw UTF-8 bytes cannot
# encode a surrogate, and JSON forbids raw control characters in a string.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
NUL_ESCAPE = "\\u0000"

MAX_DEPTH = 64

NOT_UNICODE = "text that is not valid Unicode (a lone UTF-16 surrogate)"
NUL = "contains a NUL character, which PostgreSQL cannot store"


class InvalidText(ValueError):
    """JSON whose text is not valid Unicode."""


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""


def loads(body):
    """Parses a JSON body (bytes); raises ValueError, InvalidText for a lone surrogate,
    TooDeep for nesting beyond MAX_DEPTH."""
    try:
        value = json.loads(body)
    except RecursionError:
        raise TooDeep(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    # Counting brackets is cheap; only a body with enough of them can be too deep.
    if body.count(b"{") + body.count(b"[") > MAX_DEPTH and _deeper_than(value, MAX_DEPTH):
        raise TooDeep(f"JSON nested deeper than {MAX_DEPTH} levels")
    if _SURROGATE_ESCAPE.search(body):
        path = lone_surrogate_path(value)
        if path is not None:
            raise InvalidText(f"{path or 'the body'}: {NOT_UNICODE}")
    return value


def lone_surrogate_path(value):
    """The path (`general.name`, `services[2]`) of the first string or key in `value`
    that cannot be encoded as UTF-8, or None when there is none."""
    return _first_path(value, lambda text: not _encodable(text))


def nul_path(value):
    """The path of the first string or key in `value` holding a NUL character, or None."""
    return _first_path(value, lambda text: "\x00" in text)


def _first_path(value, bad):
    # A loop, not recursion: `value` may come from a reader with no depth limit.
    pending = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if bad(item):
                return path
            continue
        if isinstance(item, dict):
            # A key is checked as a child of its own path, before its value.
            children = [
                (_join(path, key), part) for key, child in item.items() for part in (key, child)
            ]
        elif isinstance(item, list):
            children = [(f"{path}[{index}]", child) for index, child in enumerate(item)]
        else:
            continue
        pending.extend(reversed(children))  # the first child is looked at first
    return None


def _deeper_than(value, limit):
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in item)
    return False


def _join(path, key):
    if not key.isprintable():  # the path is shown and stored: a NUL or surrogate as an escape
        key = "".join(char if char.isprintable() else repr(char)[1:-1] for char in key)
    return f"{path}.{key}" if path else key


def _encodable(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
