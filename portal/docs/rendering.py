"""Markdown pages to HTML, with the portal's names and support details filled in.

A page is a Django template first (so `{{ SUPPORT_EMAIL }}` and the sync
intervals come from settings at render time, escaped), then Markdown. Headings
get anchors and a table of contents; `{#anchor}` after a heading fixes its
anchor, for the sections the onboarding checklist links to.
"""

from functools import lru_cache

import markdown
from django.conf import settings
from django.template import engines
from django.utils.safestring import mark_safe

from integrations.simulator import control
from portal.context_processors import portal

EXTENSIONS = ["toc", "attr_list", "def_list", "tables", "admonition", "sane_lists", "fenced_code"]
EXTENSION_CONFIGS = {
    "toc": {"permalink": True, "permalink_title": "Link to this section", "toc_depth": "2-3"}
}


def render(page, request):
    """(content HTML, table of contents HTML or "") of a page."""
    text = _template(page.source).render(variables(request))
    content, toc = _to_html(text)
    # Safe: the Markdown is our own, and every value put into it was escaped.
    return mark_safe(content), mark_safe(toc)


def variables(request):
    """What a page may use: the portal's names, support details, and its timings."""
    return {
        **portal(request),
        "POLL_INTERVAL": duration(settings.TOAST_POLL_INTERVAL_MINUTES),
        "REFRESH_INTERVAL": duration(settings.TOAST_REFRESH_INTERVAL_MINUTES),
        "DISCOVERY_INTERVAL": duration(settings.TOAST_DISCOVERY_INTERVAL_MINUTES),
        "LOST_AFTER": settings.TOAST_SYNC_LOST_AFTER_SECONDS,
        "SYNC_RUN_RETENTION_DAYS": settings.SYNC_RUN_RETENTION_DAYS,
        "SNAPSHOT_RETENTION_COUNT": settings.SNAPSHOT_RETENTION_COUNT,
        "SNAPSHOT_RETENTION_DAYS": settings.SNAPSHOT_RETENTION_DAYS,
        "STALE_AFTER": duration(settings.TOAST_STALE_AFTER_HOURS * 60),
        "STATUS_LINK_MAX_AGE_DAYS": settings.STATUS_LINK_MAX_AGE_DAYS,
        "HALT_THRESHOLD": settings.TOAST_HALT_THRESHOLD,
        "REMINDER_AFTER_DAYS": settings.REMINDER_AFTER_DAYS,
        "REMINDER_EVERY_DAYS": settings.REMINDER_EVERY_DAYS,
        "REMINDER_MAX": settings.REMINDER_MAX,
        "CIRCUIT_MAX_BACKOFF": duration(settings.TOAST_CIRCUIT_MAX_BACKOFF_SECONDS // 60),
        "Q_WORKERS": settings.Q_CLUSTER["workers"],
        "SIGN_IN_FAILURE_LIMIT": settings.AXES_FAILURE_LIMIT,
        "SIGN_IN_COOLOFF": duration(int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)),
        # The simulator page's table is the one GET /_simulator/ answers.
        "SIMULATOR_ENDPOINTS": [endpoint.as_json() for endpoint in control.ENDPOINTS],
    }


def duration(minutes):
    """360 → "6 hours", 1440 → "1 day", 90 → "90 minutes"."""
    for size, unit in ((24 * 60, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size and minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "less than a minute"


@lru_cache(maxsize=64)
def _template(source):
    return engines["django"].from_string(source)


@lru_cache(maxsize=256)
def _to_html(text):
    converter = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    # A code block wider than the page scrolls: it must take the keyboard's focus to.
    content = converter.convert(text).replace("<pre>", '<pre tabindex="0">')
    return content, converter.toc if converter.toc_tokens else ""
