"""Claims on restaurants being refreshed, so that no two workers refresh one at once.

A chunk claims all its restaurants in one UPDATE and lets the finished ones
go in batches, about once a second: a restaurant costs no lock statements of
its own (on SQLite every write waits for the one database-wide write lock).
A claim expires after the queue's task timeout, when django-q has stopped a
chunk that ran too long; one left by a dead process on this machine is taken
over at once.
"""

import os
import socket
import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from restaurants.models import Connection


class ChunkClaims:
    def __init__(self, guids):
        # host:pid identifies a dead holder; the token keeps two chunks of one
        # process (the foreground command, tests) from releasing each other's.
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.candidates = Connection.objects.connected().of(guids)
        now = timezone.now()
        until = now + timedelta(seconds=settings.Q_CLUSTER["timeout"])
        claim = {"refreshing_until": until, "refreshing_by": self.owner}
        free = Q(refreshing_until__isnull=True) | Q(refreshing_until__lt=now)
        claimed = self.candidates.filter(free).update(**claim)
        if claimed < len(guids):  # held by others, or not connected
            dead = [holder for holder in self._other_holders() if _dead(holder)]
            if dead:
                self.candidates.filter(refreshing_by__in=dead).update(**claim)
        # The stored hash of each claimed restaurant: nobody else writes it while claimed.
        self.hashes = {
            str(guid): sha256 or ""
            for guid, sha256 in self._mine().values_list("pk", "restaurant__content_sha256")
        }

    def holds(self, guid):
        return str(guid).lower() in self.hashes

    def stored_sha256(self, guid):
        return self.hashes[str(guid).lower()]

    def release(self, guids):
        self._mine().of(guids).update(refreshing_until=None, refreshing_by="")

    def release_all(self):
        self._mine().update(refreshing_until=None, refreshing_by="")

    def _mine(self):
        # The owner names this chunk's claims alone: no list of GUIDs to send again.
        return Connection.objects.filter(refreshing_by=self.owner)

    def _other_holders(self):
        held = self.candidates.exclude(refreshing_by__in=("", self.owner))
        return set(held.values_list("refreshing_by", flat=True))


def _dead(holder):
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
