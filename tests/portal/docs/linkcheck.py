"""A link checker over rendered pages, driven by the Django test client."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href") is not None:
            self.hrefs.append(attrs["href"])


@dataclass
class Crawl:
    pages: dict = field(default_factory=dict)  # path -> set of ids
    links: list = field(default_factory=list)  # (from path, href)
    broken: list = field(default_factory=list)  # (from path, href, why)


def parse(html):
    parser = _Parser()
    parser.feed(html)
    return parser


def is_internal(href):
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc


def crawl(client, start, prefix):
    """Follows every internal link under `prefix` from `start`, then checks every link found."""
    result, queue = Crawl(), [(start, start, start)]
    while queue:
        path, source, href = queue.pop()
        if path in result.pages:
            continue
        response = client.get(path)
        if response.status_code != 200:
            result.pages[path] = set()
            result.broken.append((source, href, f"HTTP {response.status_code}"))
            continue
        parsed = parse(response.content.decode())
        result.pages[path] = parsed.ids
        for link in parsed.hrefs:
            result.links.append((path, link))
            target = urlsplit(urljoin(path, link))
            if is_internal(link) and target.path.startswith(prefix):
                queue.append((target.path, path, link))
    _check(client, result)
    return result


def _check(client, result):
    outside = {}
    for source, href in result.links:
        if not is_internal(href):
            continue
        target = urlsplit(urljoin(source, href))
        ids = result.pages.get(target.path)
        if ids is None:  # a page outside the crawl: it must answer, and hold the anchor
            key = target.path + (f"?{target.query}" if target.query else "")
            if key not in outside:
                response = client.get(key)
                outside[key] = (
                    response.status_code,
                    parse(response.content.decode(errors="replace")).ids,
                )
            status, ids = outside[key]
            if status >= 400:
                result.broken.append((source, href, f"HTTP {status}"))
                continue
        if target.fragment and target.fragment not in ids:
            result.broken.append((source, href, "no such anchor"))
