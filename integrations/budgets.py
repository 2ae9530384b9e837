"""Rate-limit budgets in the database: one row per budget, one UPDATE per request.

The conditional UPDATE is atomic in SQLite and PostgreSQL alike, so every
worker process on every machine draws from the same budget without a lock.
"""

import math

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When

from .models import RateBudget


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
        return max(second + 1 - now, 0.001)

    def pause(self, bucket, until):
        updated = RateBudget.objects.filter(bucket=bucket, paused_until__lt=until).update(
            paused_until=until
        )
        if not updated:
            self._create(bucket, 0, 0, paused_until=until)

    def _take_existing(self, bucket, now, second, window, limits):
        room = Q(bucket=bucket, paused_until__lte=now)
        room &= ~Q(second=second) | Q(second_count__lt=limits.per_second)
        room &= ~Q(window=window) | Q(window_count__lt=limits.per_window)
        # SET expressions see the row as it was, so both counters start over
        # in a new slice and count up within the current one.
        return RateBudget.objects.filter(room).update(
            second=second,
            second_count=Case(When(second=second, then=F("second_count") + 1), default=Value(1)),
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
