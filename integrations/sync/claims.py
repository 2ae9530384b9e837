"""Claims on restaurants being refreshed, so that no two workers refresh one at once.

A claim is a RefreshClaim row per restaurant: its primary key (the connection)
lets one chunk alone insert it. A chunk claims all its restaurants in one
INSERT and lets the finished ones go in batches, about once a second: a
restaurant costs no lock statements of its own (on SQLite every write waits
for the one database-wide write lock). A claim lapses after the queue's task
timeout, when django-q has stopped a chunk that ran too long; one left by a
dead process on this machine is taken over at once, and those of a chunk whose
heartbeat stopped on any machine are handed back by the recovery sweep
(recovery.py), which queues them again.
"""

import os
import socket
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from integrations.models import RefreshClaim
from restaurants.models import Connection


def new_owner() -> str:
    # host:pid identifies a dead holder; the token keeps two chunks of one
    # process (the foreground command, tests) from releasing each other's.
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def take_back(holder: str) -> list[str]:
    """Lets go of every claim `holder` has; returns their GUIDs (what it had not finished)."""
    held = RefreshClaim.objects.filter(holder=holder)
    guids = [str(pk) for pk in held.values_list("connection_id", flat=True)]
    held.delete()
    return guids


class ChunkClaims:
    def __init__(self, guids: list[str], owner: str | None = None) -> None:
        self.owner = owner or new_owner()
        candidates = list(Connection.objects.connected().of(guids).values_list("pk", flat=True))
        self._held_by_others = RefreshClaim.objects.filter(connection__in=candidates).exclude(
            holder=self.owner
        )
        now = timezone.now()
        self.until = now + timedelta(seconds=settings.Q_CLUSTER["timeout"])
        self._held_by_others.filter(until__lt=now).delete()  # lapsed: free again
        self._claim(candidates)
        if self._mine().count() < len(guids):  # held by others, or not connected
            dead = [holder for holder in self._other_holders() if _dead(holder)]
            if dead:
                self._held_by_others.filter(holder__in=dead).delete()
                self._claim(candidates)
        # The stored hash of each claimed restaurant: nobody else writes it while claimed.
        self.hashes = {
            str(guid): sha256 or ""
            for guid, sha256 in self._mine().values_list(
                "connection_id", "connection__restaurant__content_sha256"
            )
        }

    def holds(self, guid: object) -> bool:
        return str(guid).lower() in self.hashes

    def stored_sha256(self, guid: object) -> str:
        return self.hashes[str(guid).lower()]

    def release(self, guids: Iterable[object]) -> None:
        self._mine().filter(connection__in=Connection.objects.of(guids)).delete()

    def release_all(self) -> None:
        self._mine().delete()

    def _claim(self, candidates: list[uuid.UUID]) -> None:
        # A restaurant another chunk holds keeps its row: the insert skips it.
        claims = [
            RefreshClaim(connection_id=pk, holder=self.owner, until=self.until) for pk in candidates
        ]
        RefreshClaim.objects.bulk_create(claims, ignore_conflicts=True)

    def _mine(self) -> "QuerySet[RefreshClaim]":
        # The owner names this chunk's claims alone: no list of GUIDs to send again.
        return RefreshClaim.objects.filter(holder=self.owner)

    def _other_holders(self) -> set[str]:
        return set(self._held_by_others.values_list("holder", flat=True))


def _dead(holder: str) -> bool:
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
