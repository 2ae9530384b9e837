"""Private onboarding status links: made by staff, opened by a restaurant without sign-in.

A link's URL carries its id and a random nonce, signed with the portal's
secret key under a salt of its own, so a token is worth nothing on another
signed feature of the portal and cannot be forged or altered. Whether it still
works (expiry, revocation) is decided by its database row, so staff can revoke
a link at once and the expiry shown in the panel is the one enforced. The
signature has no timestamp on purpose: the panel must be able to show the same
URL again for as long as the link lives.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from restaurants import timeline
from restaurants.models import StatusLink

SALT = "restaurants.status-link"


def _signer():
    # Made per use: the key is read from settings when the signer is built.
    return signing.Signer(salt=SALT)


def create(restaurant, user, now=None):
    """A new link for `restaurant`, valid for STATUS_LINK_MAX_AGE_DAYS."""
    now = now or timezone.now()
    link = StatusLink.objects.create(
        restaurant=restaurant,
        nonce=secrets.token_urlsafe(24),
        created_by=user,
        created_at=now,
        expires_at=now + timezone.timedelta(days=settings.STATUS_LINK_MAX_AGE_DAYS),
    )
    _record(link, "created", f"valid until {link.expires_at:%Y-%m-%d}", user, now)
    return link


def revoke(link, now=None, by=None):
    """Stops the link working; revoking twice keeps the first time."""
    now = now or timezone.now()
    if StatusLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now):
        _record(link, "revoked", "it no longer opens", by, now)


def _record(link, action, said, user, now):
    timeline.record(
        link.restaurant_id,
        timeline.Kind.STATUS_LINK,
        f"Status link #{link.pk} {action}: {said}.",
        action=action,
        actor=user,
        details={"link": link.pk},
        at=now,
    )


def token_for(link):
    return _signer().sign_object([link.pk, link.nonce], compress=False)


def path_for(link):
    return reverse("status-page", args=[token_for(link)])


def open_link(token, now=None):
    """The active link a token names, stamped as opened; None for any refusal.

    A bad signature costs no query. A token of a revoked or expired link, or
    one whose id and nonce do not belong together, is refused the same way.
    """
    try:
        link_id, nonce = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(link_id, int) and isinstance(nonce, str)):
        return None
    now = now or timezone.now()
    link = (
        StatusLink.objects.active(now)
        .select_related("restaurant")
        .filter(pk=link_id, nonce=nonce)
        .first()
    )
    if link is not None:
        StatusLink.objects.filter(pk=link.pk).update(last_opened_at=now)
    return link
