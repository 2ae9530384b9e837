"""Refreshing restaurants: fetch `RestaurantInfo` and store it through the one mapping.

A refresh run is split into near-equal chunks of at most `TOAST_SYNC_CHUNK_SIZE`
restaurants, one queue task each (10,000 restaurants are 10 tasks, not 10,000).
Inside a chunk `TOAST_SYNC_CONCURRENCY` threads fetch, and one writer thread
checks and stores what they fetched, in batches (restaurants/storage/batches.py).
Claims in the database (claims.py) mean the same restaurant is never refreshed
twice at once, by any worker.
"""

import collections
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, transaction

from integrations.models import CircuitState, SyncRun
from integrations.platform import get_client
from integrations.toast import errors
from integrations.toast.client import ToastClient
from restaurants.ingest import apply_restaurant_info
from restaurants.models import Connection
from restaurants.storage import (
    BatchWriter,
    FreshnessStamps,
    Outcome,
    WriterStopped,
    record_error,
)
from restaurants.values import as_uuid

from . import chunk_state, recovery, runs
from .claims import ChunkClaims, new_owner

logger = logging.getLogger(__name__)

FLUSH_EVERY_SECONDS = 1.0
# Hears the outcome counts a chunk adds to its run, as it flushes them.
Progress = Callable[[dict[str, int]], object]


def enqueue_refresh(
    guids: Iterable[object], *, trigger: str, requested_by: AbstractBaseUser | None = None
) -> SyncRun:
    """Queues a refresh of the given connected restaurants; returns its SyncRun."""
    wanted = _connected(guids)
    run = runs.start(SyncRun.Kind.REFRESH, trigger, total=len(wanted), requested_by=requested_by)
    if not wanted:
        runs.finish(run.pk, total=0)
    for chunk in chunks(wanted):
        chunk_state.queue(run.pk, chunk)
    return run


def _connected(guids: Iterable[object]) -> list[str]:
    """The connected ones of `guids`, each once, as GUID text in the order given; what
    is no GUID is left out."""
    wanted = list(dict.fromkeys(guid for guid in map(as_uuid, guids) if guid is not None))
    connected = Connection.objects.connected().of(wanted)
    # Usually all of them are: then no list comes back (reading 2,000 GUIDs back
    # was half of what queueing a refresh took).
    if connected.count() < len(wanted):
        kept = set(connected.values_list("restaurant_id", flat=True))
        wanted = [guid for guid in wanted if guid in kept]
    return [str(guid) for guid in wanted]


def chunks(guids: list[str]) -> list[list[str]]:
    """`guids` split into near-equal chunks of at most `TOAST_SYNC_CHUNK_SIZE`, as many
    as a multiple of the cluster's workers: a small last chunk would leave the
    other workers idle while one finishes the run."""
    workers = settings.Q_CLUSTER["workers"]
    count = -(-len(guids) // settings.TOAST_SYNC_CHUNK_SIZE)
    count = min(len(guids), -(-count // workers) * workers)
    bounds = [len(guids) * n // count for n in range(count + 1)] if count else []
    return [guids[start:end] for start, end in itertools.pairwise(bounds)]


def refresh_chunk(
    run_id: int,
    guids: list[str],
    *,
    client: ToastClient | None = None,
    on_progress: Progress | None = None,
    chunk_id: int | None = None,
) -> dict[str, int]:
    """Refreshes `guids` for run `run_id` with a pool of threads; returns the outcome counts.

    `chunk_id` is the queued chunk's row (chunk_state.py); without one (the command)
    the chunk gets its row here."""
    owner = new_owner()
    if chunk_id is None:
        chunk_id = chunk_state.begin(run_id, guids, owner)
    elif not chunk_state.start(chunk_id, owner):
        logger.info("Refresh chunk %s is not queued any more: nothing to do", chunk_id)
        return {}
    recovery.recover_lost_chunks()  # any worker notices lost work, at every chunk's start too
    runs.mark_running(run_id)
    claims = ChunkClaims(guids, owner)
    chunk = _Chunk(run_id, chunk_id, client or get_client(), on_progress, claims)
    try:
        _fetch(chunk, guids)
        # Refused while a probe was in flight (or the circuit open): done in this chunk
        # once it closes, not left to the next run.
        while chunk.waiting and chunk.resumes():
            _fetch(chunk, chunk.take_waiting())
    finally:
        chunk.writer.close()  # every fetched restaurant is stored before its claim goes
        chunk.skip_waiting()
        chunk.flush(force=True, last=True)
    if chunk.paused:
        SyncRun.objects.filter(pk=run_id).update(error=str(chunk.paused)[:4000])
    return dict(chunk.totals)


def _fetch(chunk: "_Chunk", guids: list[str]) -> None:
    pending = iter(guids)
    threads = [
        threading.Thread(target=chunk.work, args=(pending,), name=f"refresh-{chunk.run_id}-{n}")
        for n in range(min(settings.TOAST_SYNC_CONCURRENCY, len(guids)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():  # the heartbeat, while every request is slow too
            thread.join(chunk_state.HEARTBEAT_SECONDS)
            chunk.flush()


class _Chunk:
    """The shared state of one chunk's threads: the queue of GUIDs and the counts."""

    def __init__(
        self,
        run_id: int,
        chunk_id: int,
        client: ToastClient,
        on_progress: Progress | None,
        claims: ChunkClaims,
    ) -> None:
        self.run_id = run_id
        self.chunk_id = chunk_id
        self.client = client
        self.on_progress = on_progress
        self.claims = claims
        self.stamps = FreshnessStamps()
        self.writer = BatchWriter(
            self.written,
            ingest=apply_restaurant_info,
            stamps=self.stamps,
            name=f"refresh-{run_id}-writer",
        )
        self.lock = threading.Lock()
        self.done: list[str] = []  # finished restaurants whose claims are not yet released
        self.unflushed: collections.Counter[str] = collections.Counter()
        self.totals: collections.Counter[str] = collections.Counter()
        self.flushed_at = time.monotonic()
        self.paused: errors.PlatformUnavailable | None = None
        self.waiting: list[str] = []  # not sent for while paused
        self.lost = False  # given up by the recovery sweep: another chunk does the rest

    def work(self, pending: Iterator[str]) -> None:
        try:
            while True:
                with self.lock:
                    guid = None if self.lost else next(pending, None)
                if guid is None:
                    return
                if self.paused:
                    self.pause(guid, self.paused)
                    continue
                outcome = refresh_one(self.client, guid, self)
                if outcome:  # else the writer counts it once written (or it waits)
                    self.count(guid, outcome)
                self.flush()
        except WriterStopped:
            return  # logged by the writer; the run is left to the abandoned-run sweep
        finally:
            connections.close_all()  # this thread's own database connections

    def pause(self, guid: str, exc: errors.PlatformUnavailable) -> None:
        with self.lock:
            self.paused = exc
            self.waiting.append(guid)

    def resumes(self) -> bool:
        """Whether the circuit is closed, once a probe in flight (of this chunk or of any
        worker) has had its answer: then the waiting restaurants are fetched after all."""
        deadline = time.monotonic() + settings.TOAST_READ_TIMEOUT_SECONDS
        state = CircuitState.current().state
        while state == CircuitState.State.HALF_OPEN and time.monotonic() < deadline:
            time.sleep(0.1)
            state = CircuitState.current().state
        if state != CircuitState.State.CLOSED:
            return False
        self.paused = None
        return True

    def take_waiting(self) -> list[str]:
        waiting, self.waiting = self.waiting, []
        return waiting

    def skip_waiting(self) -> None:
        """Counts what the circuit kept from being tried as skipped: the next run does them."""
        for guid in self.waiting:
            self.count(guid, "skipped")
        self.waiting = []

    def written(self, guid: str, status: str) -> None:
        self.count(guid, _counter(status))

    def count(self, guid: str, outcome: str) -> None:
        with self.lock:
            self.done.append(guid)
            self.unflushed[outcome] += 1
            self.totals[outcome] += 1

    def flush(self, force: bool = False, last: bool = False) -> None:
        """Writes the stamps, counts and claims gathered since the last flush in one
        transaction (on SQLite, one turn at the write lock); the `last` one lets go
        of every claim of the chunk."""
        with self.lock:
            if self.lost:
                return
            if not force and time.monotonic() - self.flushed_at < FLUSH_EVERY_SECONDS:
                return
            counts, self.unflushed = dict(self.unflushed), collections.Counter()
            done, self.done = self.done, []
            self.flushed_at = time.monotonic()
        try:
            with transaction.atomic():
                owner, count = self.claims.owner, sum(counts.values())
                if not chunk_state.beat(self.chunk_id, owner, count, last=last):
                    raise _Lost
                self.stamps.write()
                if last:
                    self.claims.release_all()
                else:
                    self.claims.release(done)
                runs.add(self.run_id, counts)
        except _Lost:
            self.lost = True
            logger.warning("Refresh chunk %s was given up as lost; stopping", self.chunk_id)
            return
        if self.on_progress:
            self.on_progress(counts)


class _Lost(Exception):
    """The chunk was queued again by the recovery sweep: this flush rolls back."""


def refresh_one(client: ToastClient, guid: str, chunk: _Chunk) -> str | None:
    """Fetches one restaurant and hands it to the chunk's writer, which counts it once
    stored (returns None); or returns the outcome name for the run's counters."""
    if not chunk.claims.holds(guid):
        return "skipped"  # removed, or another worker is refreshing it right now
    try:
        payload = client.restaurant_info(guid, include_archived=True)
    except errors.RestaurantRemoved:
        return "skipped"
    except errors.RequestHalted:
        return "halted"
    except errors.PlatformUnavailable as exc:
        chunk.pause(guid, exc)  # tried again if the circuit closes while the chunk runs
        return ""
    except errors.ToastError as exc:
        record_error(guid, str(exc))
        return "failed"
    if str(payload.get("guid", "")).lower() != str(guid).lower():
        record_error(guid, f"The platform answered the RestaurantInfo of {payload.get('guid')!r}")
        return "failed"
    chunk.writer.submit(guid, payload, chunk.claims.stored_sha256(guid))
    return None


def _counter(status: str) -> str:
    """The run's counter for an ingest `Outcome` status."""
    if status in (Outcome.CREATED, Outcome.CHANGED):
        return "changed"
    return "unchanged" if status == Outcome.UNCHANGED else "failed"
