"""Credentials the portal must keep in its database, sealed with a key of its own.

The platform access token is shared by every worker through the database, so
that restarts keep it (see token_store.py); a copy of the database (a backup,
a support dump) must not hand it out. It is encrypted at rest with Fernet
(AES-128-CBC and HMAC-SHA256) under a key derived from SECRET_KEY, and found
again by a keyed fingerprint, since Fernet's output differs at every seal.
A database restored under another SECRET_KEY opens nothing: the portal then
logs in again, as after an expiry.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _key(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        settings.SECRET_KEY.encode()
    )


def seal(text: str) -> str:
    """The text encrypted and authenticated, as ASCII for a TextField."""
    key = base64.urlsafe_b64encode(_key(b"portal sealed credential"))
    return Fernet(key).encrypt(text.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The text back, or None where it was sealed under another key or altered."""
    key = base64.urlsafe_b64encode(_key(b"portal sealed credential"))
    try:
        return Fernet(key).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def fingerprint(text: str) -> str:
    """A keyed digest that names the text without revealing it (for lookups)."""
    return hmac.new(
        _key(b"portal credential fingerprint"), text.encode(), hashlib.sha256
    ).hexdigest()
