"""The shared access token and the recent logins, in the database (toast/tokens.py's store).

Every statement that decides something is one conditional UPDATE (claim a
login, mark a token refused), atomic on SQLite and PostgreSQL alike, so any
number of worker processes on any number of machines agree without a lock
held across the login request.
"""

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q

from . import alerts, sealed
from .models import AccessToken, Alert, TokenLogin
from .toast.tokens import Token

ALERT_KIND = "token"
KEEP_LOGINS_DAYS = 30  # the login history staff can read in the admin


def _instant(epoch):
    return datetime.fromtimestamp(epoch, UTC)


class DatabaseTokenStore:
    def current(self):
        row = AccessToken.objects.filter(pk=1).exclude(value="").first()
        value = sealed.unseal(row.value) if row else None
        if value is None:
            return None  # none yet, or sealed under another SECRET_KEY: log in again
        return Token(
            value,
            row.renew_at.timestamp(),
            row.expires_at.timestamp(),
            refused=row.refused_at is not None,
        )

    def claim_login(self, owner, now, seconds):
        free = Q(login_until__isnull=True) | Q(login_until__lt=_instant(now))
        claim = {"login_by": owner, "login_until": _instant(now + seconds)}
        if AccessToken.objects.filter(free, pk=1).update(**claim):
            return True
        # The first login of an installation creates the row; a racing one loses.
        AccessToken.objects.bulk_create([AccessToken(pk=1, **claim)], ignore_conflicts=True)
        return AccessToken.objects.filter(pk=1, login_by=owner).exists()

    def release_login(self, owner):
        AccessToken.objects.filter(pk=1, login_by=owner).update(login_by="", login_until=None)

    def logins_since(self, since):
        times = TokenLogin.objects.filter(at__gt=_instant(since)).order_by("at")
        return [moment.timestamp() for moment in times.values_list("at", flat=True)]

    def save(self, owner, token, now, reason):
        at = _instant(now)
        with transaction.atomic():
            AccessToken.objects.filter(pk=1).update(
                value=sealed.seal(token.value),
                fingerprint=sealed.fingerprint(token.value),
                obtained_at=at,
                renew_at=_instant(token.renew_at),
                expires_at=_instant(token.expires_at),
                refused_at=None,
                login_by="",
                login_until=None,
            )
            TokenLogin.objects.create(
                at=at, reason=reason, by=owner, lifetime_seconds=token.expires_at - now
            )
            TokenLogin.objects.filter(at__lt=at - timedelta(days=KEEP_LOGINS_DAYS)).delete()
            # A login that worked ends a pause for spent logins.
            alerts.settle(ALERT_KIND)

    def mark_refused(self, value, now):
        return bool(
            AccessToken.objects.filter(
                pk=1, fingerprint=sealed.fingerprint(value), refused_at__isnull=True
            ).update(refused_at=_instant(now))
        )

    def report_budget_spent(self, title, message):
        """One open alert for staff, however many workers find the logins spent (each
        asks while it holds the login claim, so one at a time)."""
        if _open_alerts().exists():
            return False
        alerts.raise_alert(ALERT_KIND, title, message)
        return True


def _open_alerts():
    return Alert.objects.filter(kind=ALERT_KIND, acknowledged_at__isnull=True)


def forget():
    """Drops the token and the login history: for a platform that is new (a simulator
    `make run` just started), whose tokens and limits have nothing to do with the old."""
    AccessToken.objects.all().delete()
    TokenLogin.objects.all().delete()
