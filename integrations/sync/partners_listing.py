"""Which partners endpoint lists the connections: `connectedRestaurants`, else `/restaurants`.

The partners API reference pages through `connectedRestaurants`; the guide's
checklist names `/partners/v1/restaurants?lastModified=` for polling. An account
may be allowed one and not the other, and either may fail while the other
works. A failure of the platform (5xx, timeout, paused reads, rate limit) or of
the credentials would fail both alike: it is raised and the poll runs again
later. Any other failure of `connectedRestaurants` — refused (403), gone (404), a
bad request, an answer of no documented shape, a request halted for failing —
moves the read to `/restaurants`, and staff see which endpoint served and why.
"""

import logging
from collections.abc import Iterator

from integrations.toast import client as endpoints
from integrations.toast import errors

logger = logging.getLogger(__name__)


class ListingFailed(errors.ToastError):
    """Neither endpoint listed the connections."""


class PartnersListing:
    def __init__(self, client):
        self.client = client
        self.source = ""  # the endpoint whose listing was read to the end
        self.fallback_reason = ""  # why connectedRestaurants did not serve

    def records(self, since) -> Iterator[dict]:
        """Every partner record changed after `since` (all without it). Records read
        before connectedRestaurants failed were yielded already; /restaurants then
        lists them again, which changes nothing."""
        try:
            yield from self.client.connected_restaurants(last_modified=since)
        except errors.ToastError as exc:
            if not _endpoint_failure(exc):
                raise
            self.fallback_reason = str(exc)[:2000]
            logger.warning("Reading %s instead: %s", endpoints.PARTNER_RESTAURANTS, exc)
        else:
            self.source = endpoints.CONNECTED_RESTAURANTS
            return
        try:
            listed = self.client.partner_restaurants(last_modified=since)
        except errors.ToastError as fallback:
            raise ListingFailed(
                f"{fallback}; before it, {self.fallback_reason}",
                endpoint=endpoints.PARTNER_RESTAURANTS,
            ) from fallback
        self.source = endpoints.PARTNER_RESTAURANTS
        yield from listed


def _endpoint_failure(exc):
    """A failure of this one endpoint, which the other endpoint may not share."""
    if isinstance(exc, errors.RequestHalted):
        return True
    return (
        isinstance(exc, errors.ApiError)
        and not exc.transient
        and not isinstance(exc, errors.AuthenticationFailed)
        and exc.status not in (401, 429)
    )
