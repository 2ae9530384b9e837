"""The fast write path: the one way restaurants' rows are written, behind this interface.

Why not the ORM: on SQLite a write transaction holds the one database-wide
write lock. The ORM compiles each statement and converts each value while
holding it, and every statement lets other threads take the interpreter
before this one may go on: with a sync's fetch threads, storing a restaurant
held the lock 2.8 ms. So here
- rows are converted by the fields themselves (as the ORM does) before the
  transaction begins (statements.Table);
- a transaction writes many restaurants with a few multi-row statements
  (rows.write_all), gathered by one writer thread (batches.BatchWriter);
- unchanged restaurants' freshness stamps are written many to an UPDATE
  (stamps.FreshnessStamps).
The rules of what is written are restaurants/ingest.py's.
"""

from .batches import BatchWriter, WriterStopped
from .lookups import CONNECTION_STATUS_SQL, connection_key
from .outcome import Outcome
from .rows import Write, record_error, write_all
from .stamps import FreshnessStamps, touch_if_unchanged
from .statements import Table

__all__ = [
    "CONNECTION_STATUS_SQL",
    "BatchWriter",
    "FreshnessStamps",
    "Outcome",
    "Table",
    "Write",
    "WriterStopped",
    "connection_key",
    "record_error",
    "touch_if_unchanged",
    "write_all",
]
