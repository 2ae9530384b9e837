"""What storing one `RestaurantInfo` did, as ingest and the batch writer report it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    QUEUED = "queued"

    status: str
    guid: str | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status != self.REFUSED
