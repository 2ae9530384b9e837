"""Fetched restaurants checked, converted and stored many to a transaction, in a thread
of their own.

The sync's fetch threads hand what they fetched to one writer, which gathers
it for up to GATHER_SECONDS, runs it through the ingest rules it was given
(restaurants/ingest.py) and stores a batch with a few multi-row statements
(rows.write_all). The checking and converting is done here too, not in the
fetch threads: a fetch thread's next request then waits for nothing but its
guard and budget, and the interpreter lock changes hands less often (at 50 ms
a request, 248 -> 270 restaurants/s).

A batch is one transaction, so a stopped worker leaves no restaurant half
written. If a batch fails, its restaurants are written one by one, so one
restaurant the database refuses cannot keep the others from being stored.
"""

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, connections, transaction

from .outcome import Outcome
from .rows import Write, record_error, write_all
from .stamps import FreshnessStamps

logger = logging.getLogger(__name__)

MAX_BATCH = 100  # restaurants per transaction: bounds how long the lock is held
# A batch waits this long for more restaurants after its first: the more a
# transaction writes, the fewer statements and turns at the lock per restaurant.
GATHER_SECONDS = 0.05
# At most this many fetched restaurants wait for the writer: a database slower
# than the platform slows the fetch threads down instead of filling memory.
MAX_WAITING = 4 * MAX_BATCH
_CLOSE = object()


class WriterStopped(RuntimeError):
    """The writer thread has ended (its database failed): nothing more can be stored."""


# ingest.apply_restaurant_info, as the writer calls it: (payload, stored_sha256=,
# stamps=, defer=) -> Outcome, a changed restaurant's Write handed to `defer`.
Ingest = Callable[..., Outcome]


class BatchWriter:
    def __init__(
        self,
        on_written: Callable[[Any, str], object],
        *,
        ingest: Ingest,
        stamps: FreshnessStamps | None = None,
        name: str = "restaurant-writer",
    ) -> None:
        """`on_written(guid, status)` hears an `Outcome` status for every restaurant
        submitted, checked by `ingest`; unchanged ones go to `stamps` if given."""
        self.on_written = on_written
        self.ingest = ingest
        self.stamps = stamps
        self.queue: queue.Queue[Any] = queue.Queue(MAX_WAITING)
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def submit(self, guid: Any, payload: Any, stored_sha256: str | None = None) -> None:
        """Hands over restaurant `guid`'s fetched `RestaurantInfo`, with the content hash
        stored for it when the caller has read it (see ingest.apply_restaurant_info); waits
        while MAX_WAITING restaurants wait already."""
        self._put((guid, payload, stored_sha256))

    def close(self) -> None:
        """Writes everything submitted so far, then stops the thread."""
        with contextlib.suppress(WriterStopped):
            self._put(_CLOSE)
        self.thread.join()

    def _put(self, item: Any) -> None:
        while self.thread.is_alive():  # a full queue of a stopped writer never drains
            with contextlib.suppress(queue.Full):
                self.queue.put(item, timeout=0.5)
                return
        raise WriterStopped(f"{self.thread.name} has stopped")

    def _run(self) -> None:
        try:
            while True:
                batch = [self.queue.get()]
                until = time.monotonic() + GATHER_SECONDS
                while len(batch) < MAX_BATCH and batch[-1] is not _CLOSE:
                    try:
                        batch.append(self.queue.get(timeout=max(0, until - time.monotonic())))
                    except queue.Empty:
                        break
                closing = batch[-1] is _CLOSE
                self._write(self._prepare(item for item in batch if item is not _CLOSE))
                if closing:
                    return
        except Exception:  # the database failed even for one restaurant alone
            logger.exception("%s stopped: what it held is not stored", self.thread.name)
        finally:
            connections.close_all()  # this thread's own connections

    def _prepare(self, items: Iterable[Any]) -> list[Write]:
        """The changed restaurants' writes; every other outcome is reported at once."""
        writes: list[Write] = []
        for guid, payload, stored_sha256 in items:
            try:
                outcome = self.ingest(
                    payload, stored_sha256=stored_sha256, stamps=self.stamps, defer=writes.append
                )
            except Exception as exc:  # the others of the batch go on
                logger.exception("Could not check RestaurantInfo for %s", guid)
                self._refuse(guid, f"Could not check the payload: {exc}")
                continue
            if outcome.status != Outcome.QUEUED:
                self.on_written(guid, outcome.status)
        return writes

    def _write(self, batch: list[Write]) -> None:
        if not batch:
            return
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                created = write_all(cursor, batch)
        except Exception:
            logger.warning(
                "A batch of %d restaurants failed; writing each alone", len(batch), exc_info=True
            )
            for write in batch:
                self._write_alone(write)
            return
        for write, new in zip(batch, created, strict=True):
            self._report(write, new)

    def _write_alone(self, write: Write) -> None:
        try:
            new = write.run()
        except Exception as exc:
            logger.exception("Could not store RestaurantInfo for %s", write.guid)
            self._refuse(write.guid, f"Could not store the payload: {exc}")
            return
        self._report(write, new)

    def _refuse(self, guid: Any, message: str) -> None:
        """A failure no payload check foresaw, shown on the restaurant and reported."""
        record_error(guid, message)
        self.on_written(guid, Outcome.REFUSED)

    def _report(self, write: Write, new: bool) -> None:
        self.on_written(write.guid, Outcome.CREATED if new else Outcome.CHANGED)
