"""Writes prepared restaurants many to a transaction, from a thread of their own.

On SQLite every write transaction takes the one database-wide write lock, and
the sync's fetch threads, each taking it for its own restaurant, spent most of
their time waiting for it. Here they hand their prepared writes (ingest.Write)
to one writer, which gathers them for up to GATHER_SECONDS and stores a batch
with a few multi-row statements (ingest.write_all).

A batch is one transaction, so a stopped worker leaves no restaurant half
written. If a batch fails, its restaurants are written one by one, so one
restaurant the database refuses cannot keep the others from being stored.
"""

import logging
import queue
import threading
import time

from django.db import connection, connections, transaction

from .ingest import Outcome, record_error, write_all

logger = logging.getLogger(__name__)

MAX_BATCH = 100  # restaurants per transaction: bounds how long the lock is held
# A batch waits this long for more restaurants after its first: the more a
# transaction writes, the fewer statements and turns at the lock per restaurant.
GATHER_SECONDS = 0.05
_CLOSE = object()


class BatchWriter:
    def __init__(self, on_written, name="restaurant-writer"):
        """`on_written(guid, status)` hears an `Outcome` status for every write."""
        self.on_written = on_written
        self.queue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def submit(self, write):
        self.queue.put(write)

    def close(self):
        """Writes everything submitted so far, then stops the thread."""
        self.queue.put(_CLOSE)
        self.thread.join()

    def _run(self):
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
                self._write([write for write in batch if write is not _CLOSE])
                if closing:
                    return
        finally:
            connections.close_all()  # this thread's own connections

    def _write(self, batch):
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

    def _write_alone(self, write):
        try:
            new = write.run()
        except Exception as exc:
            logger.exception("Could not store RestaurantInfo for %s", write.guid)
            record_error(write.guid, f"Could not store the payload: {exc}")
            self.on_written(write.guid, Outcome.REFUSED)
            return
        self._report(write, new)

    def _report(self, write, new):
        self.on_written(write.guid, Outcome.CREATED if new else Outcome.CHANGED)
