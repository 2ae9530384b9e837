"""A status page opened by the restaurant, on its timeline: at most once per link an
hour, so that a reload storm (or a mail scanner following the link) does not flood it."""

from django.core.cache import cache

from restaurants import timeline
from restaurants.models import StatusLink

QUIET_SECONDS = 3600


def record_open(link: StatusLink) -> bool:
    """Records the open unless this link's last recorded one is under an hour old.
    `cache.add` claims the hour atomically, whichever worker serves the page."""
    if not cache.add(f"status-link-opened:{link.pk}", 1, QUIET_SECONDS):
        return False
    timeline.record(
        link.restaurant_id,
        timeline.Kind.STATUS_LINK,
        f"Status link #{link.pk} opened",
        action="opened",
        details={"link": link.pk},
    )
    return True
