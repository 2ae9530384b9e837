"""Rate-limit budgets in the database: one row per budget, one UPDATE per request.

The conditional UPDATE is atomic in SQLite and PostgreSQL alike, so every
worker process on every machine draws from the same budget without a lock.

A request taken in the last moments of a one-second slice may reach the
platform in the next slice; it is counted in both (`carry`), so neither slice
can be overfilled by requests in flight across the boundary.
"""

import math

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When

from .models import RateBudget

LATE_SECONDS = 0.1  # longer than a request takes to reach the platform


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
        room = Q(bucket=bucket, paused_until__lte=now)
        room &= (
            Q(second=second, second_count__lt=limits.per_second)
            | Q(second=second - 1, carry__lt=limits.per_second)
            | ~Q(second__in=[second, second - 1])
        )
        room &= ~Q(window=window) | Q(window_count__lt=limits.per_window)
        # SET expressions see the row as it was: the counters count up within
        # the current slice, and a new slice starts from what was carried.
        return RateBudget.objects.filter(room).update(
            second=second,
            second_count=Case(
                When(second=second, then=F("second_count") + 1),
                When(second=second - 1, then=F("carry") + 1),
                default=Value(1),
            ),
            carry=Case(When(second=second, then=F("carry") + late), default=Value(late)),
            window=window,
            window_count=Case(When(window=window, then=F("window_count") + 1), default=Value(1)),
        )

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
