"""The documentation pages: Markdown files in pages/, each with a short front matter.

    ---
    title: Connect the integration
    summary: Who can connect it, and where.
    audience: restaurants        (or: staff)
    order: 20                    (position in the navigation)
    internal: false              (true: staff sign-in required)
    ---

The files are read once per process, like code: restart to publish an edit.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PAGES_DIR = Path(__file__).parent / "pages"
AUDIENCES = {"restaurants": "For restaurants", "staff": "For staff"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    summary: str
    audience: str
    order: int
    internal: bool
    source: str

    @property
    def audience_label(self):
        return AUDIENCES[self.audience]

    def visible_to(self, user):
        return not self.internal or user.is_staff


def all_pages():
    """Every page, restaurants' first, then by their `order`."""
    return _load(PAGES_DIR)


def get(slug):
    return {page.slug: page for page in all_pages()}.get(slug)


def visible_pages(user):
    return [page for page in all_pages() if page.visible_to(user)]


@lru_cache(maxsize=4)
def _load(directory):
    pages = [_parse(path) for path in sorted(directory.glob("*.md"))]
    audiences = list(AUDIENCES)
    return tuple(sorted(pages, key=lambda p: (audiences.index(p.audience), p.order, p.slug)))


def _parse(path):
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match or not SLUG.match(path.stem):
        raise ImproperlyConfigured(f"{path.name}: needs a lowercase-slug name and front matter")
    meta = dict(
        line.split(":", 1) for line in match["meta"].splitlines() if line.strip() and ":" in line
    )
    meta = {key.strip(): value.strip() for key, value in meta.items()}
    audience = meta.get("audience", "")
    if not meta.get("title") or audience not in AUDIENCES:
        raise ImproperlyConfigured(f"{path.name}: front matter needs a title and an audience")
    return Page(
        slug=path.stem,
        title=meta["title"],
        summary=meta.get("summary", ""),
        audience=audience,
        order=int(meta.get("order", 100)),
        internal=meta.get("internal", "false").lower() == "true",
        source=match["body"],
    )
