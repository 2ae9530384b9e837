"""Rate-limit budgets in the database: one row per budget, one UPDATE per request.

The conditional UPDATE is atomic in SQLite and PostgreSQL alike, so every
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

from django.db import IntegrityError, connection, transaction

from .models import RateBudget

LATE_SECONDS = 0.5  # longer than a request can take to reach the platform

TAKE_SQL = """
UPDATE {table} SET
    second_count = CASE WHEN second = %(second)s THEN second_count + 1
                        WHEN second = %(previous)s THEN carry + 1 ELSE 1 END,
    carry = CASE WHEN second = %(second)s THEN carry + %(late)s ELSE %(late)s END,
    window_count = CASE WHEN "window" = %(window)s THEN window_count + 1 ELSE 1 END,
    second = %(second)s,
    "window" = %(window)s
WHERE bucket = %(bucket)s AND paused_until <= %(now)s
  AND ((second = %(second)s AND second_count < %(per_second)s)
       OR (second = %(previous)s AND carry < %(per_second)s)
       OR second NOT IN (%(second)s, %(previous)s))
  AND ("window" <> %(window)s OR window_count < %(per_window)s)
"""


class DatabaseBudgets:
    def take(self, bucket, now, limits):
        second = math.floor(now)
        window = math.floor(now / limits.window_seconds)
        if self._take_existing(bucket, now, second, window, limits):
            return 0
        row = RateBudget.objects.filter(bucket=bucket).first()
        if row is None:
            return 0 if self._create(bucket, second, window) else 0.001
        if row.paused_until > now:
            return row.paused_until - now
        if row.window == window and row.window_count >= limits.per_window:
            return (window + 1) * limits.window_seconds - now
        return max(row.second + 1 - now, 0.001)

    def pause(self, bucket, until):
        updated = RateBudget.objects.filter(bucket=bucket, paused_until__lt=until).update(
            paused_until=until
        )
        if not updated:
            self._create(bucket, 0, 0, paused_until=until)

    def _take_existing(self, bucket, now, second, window, limits):
        late = int(now - second >= 1 - LATE_SECONDS)
        # Hand-written SQL: this runs before every request, and building the
        # same statement through the ORM cost more than the request itself.
        # SET expressions see the row as it was: the counters count up within
        # the current slice, and a new slice starts from what was carried.
        with connection.cursor() as cursor:
            cursor.execute(
                TAKE_SQL.format(table=RateBudget._meta.db_table),
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

    def _create(self, bucket, second, window, paused_until=0):
        try:
            with transaction.atomic():
                RateBudget.objects.create(
                    bucket=bucket,
                    second=second,
                    second_count=1 if second else 0,
                    window=window,
                    window_count=1 if second else 0,
                    paused_until=paused_until,
                )
        except IntegrityError:
            return False  # another worker created it first; take from it instead
        return True
