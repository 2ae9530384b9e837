"""Rate-limit budgets in the database: one row per budget, one statement per request.

The conditional upsert is atomic in SQLite and PostgreSQL alike, so every
worker process on every machine draws from the same budget without a lock.

A request taken in the last moments of a one-second slice may reach the
platform in the next slice; it is counted in both (`carry`), so neither slice
can be overfilled by requests in flight across the boundary. The margin is
generous: on a busy two-core machine a request took more than 0.1 s from
here to the platform's counter, and per-restaurant budgets are never the
bottleneck (a sync sends one request per restaurant), so counting twice costs
nothing a user would notice.
"""

import math

from django.db import connections, router

from .models import RateBudget

LATE_SECONDS = 0.5  # longer than a request can take to reach the platform

# One statement takes a request from a budget, creating the budget on its
# first use. SET and WHERE see the stored row as it was: the counters count up
# within the current slice, and a new slice starts from what was carried.
# A worker may store its take after another worker stored one of a later
# slice (it read the clock first): that take counts in the stored, later slice
# and in what it carries, so the budget never goes back to an earlier slice
# (which would forget what the later one had sent).
_NEW_ROW = "%(bucket)s, %(second)s, 1, %(late)s, %(window)s, 1, 0"
_INSERT = f"""
INSERT INTO {RateBudget._meta.db_table} AS b
    (bucket, second, second_count, carry, "window", window_count, paused_until)
{{row}}
ON CONFLICT (bucket) DO UPDATE SET
    second_count = CASE WHEN b.second >= %(second)s THEN b.second_count + 1
                        WHEN b.second = %(previous)s THEN b.carry + 1 ELSE 1 END,
    carry = CASE WHEN b.second > %(second)s THEN b.carry + 1
                 WHEN b.second = %(second)s THEN b.carry + %(late)s ELSE %(late)s END,
    window_count = CASE WHEN b."window" >= %(window)s THEN b.window_count + 1 ELSE 1 END,
    second = CASE WHEN b.second > %(second)s THEN b.second ELSE %(second)s END,
    "window" = CASE WHEN b."window" > %(window)s THEN b."window" ELSE %(window)s END
WHERE b.paused_until <= %(now)s
  AND ((b.second >= %(second)s AND b.second_count < %(per_second)s)
       OR (b.second = %(previous)s AND b.carry < %(per_second)s)
       OR b.second < %(previous)s)
  AND (b."window" < %(window)s OR b.window_count < %(per_window)s)
"""
TAKE_SQL = _INSERT.format(row=f"VALUES ({_NEW_ROW})")
# PostgreSQL, outside a transaction: the same statement, committed without waiting
# for its WAL to reach the disk. A take is its own transaction, one a request, and
# those flushes were what a sync waited on most (in 10,000 restaurants' refresh, 422
# of 725 samples of the database's active statements); a crash can forget the last
# fraction of a second of takes, which at worst lets a few requests more through in
# that second (the client pauses on a 429 as it would anyway). set_config(..., true)
# lasts for the statement's own transaction only.
TAKE_SQL_ASYNCHRONOUS_COMMIT = _INSERT.format(
    row=f"SELECT {_NEW_ROW}"
    " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous_commit"
)


class DatabaseBudgets:
    def take(self, bucket, now, limits):
        second = math.floor(now)
        window = math.floor(now / limits.window_seconds)
        if self._take(bucket, now, second, window, limits):
            return 0
        row = RateBudget.objects.filter(bucket=bucket).first()
        if row is None:
            return 0.001  # deleted in between; the next try creates it again
        if row.paused_until > now:
            return row.paused_until - now
        if row.window == window and row.window_count >= limits.per_window:
            return (window + 1) * limits.window_seconds - now
        return max(row.second + 1 - now, 0.001)

    def pause(self, bucket, until):
        _, created = RateBudget.objects.get_or_create(
            bucket=bucket, defaults={"paused_until": until}
        )
        if not created:
            RateBudget.objects.filter(bucket=bucket, paused_until__lt=until).update(
                paused_until=until
            )

    def prune_idle(self, now: float, window_seconds: int) -> int:
        """Deletes the budgets nothing drew from in this long window nor in the last
        second, and not paused: such a row counts as no row (the next request creates
        it again), and one per restaurant ever refreshed adds up. Returns how many."""
        idle = RateBudget.objects.filter(
            window__lt=math.floor(now / window_seconds),
            second__lt=math.floor(now) - 1,
            paused_until__lte=now,
        )
        deleted, _ = idle.delete()
        return deleted

    def _take(self, bucket, now, second, window, limits):
        late = int(now - second >= 1 - LATE_SECONDS)
        # Hand-written SQL: this runs before every request, and building the
        # same statement through the ORM cost more than the request itself.
        database = connections[router.db_for_write(RateBudget)]
        asynchronous = database.vendor == "postgresql" and not database.in_atomic_block
        with database.cursor() as cursor:
            cursor.execute(
                TAKE_SQL_ASYNCHRONOUS_COMMIT if asynchronous else TAKE_SQL,
                {
                    "bucket": bucket,
                    "now": now,
                    "second": second,
                    "previous": second - 1,
                    "window": window,
                    "late": late,
                    "per_second": limits.per_second,
                    "per_window": limits.per_window,
                },
            )
            return cursor.rowcount
