"""The partners webhook signature, shared by the receiver and the simulator.

`Toast-Signature` is base64(HMAC-SHA256(secret, body + timestamp)), where the
timestamp is the message's own `timestamp` value (our reading of the guide,
see ../shared/reference/toast-platform-notes.md).
"""

import base64
import hashlib
import hmac


def sign(secret: str, body: bytes, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(secret: str, body: bytes, timestamp: str, signature: str) -> bool:
    """Constant-time check; False for an empty secret or signature."""
    if not secret or not signature:
        return False
    # As bytes: compare_digest refuses a str with non-ASCII characters (a header may hold any).
    given = signature.strip().encode("utf-8", "replace")
    return hmac.compare_digest(sign(secret, body, timestamp).encode(), given)
