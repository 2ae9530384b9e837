"""Access tokens the simulator issues, with real expiry and revocation."""

import base64
import json
import secrets
import threading
import time


class TokenIssuer:
    def __init__(self, clock=time.time):
        self.clock = clock
        self.lock = threading.Lock()
        self.tokens = {}  # token -> expiry (epoch seconds)

    def issue(self, client_id, ttl):
        header = _b64({"alg": "HS256", "typ": "JWT"})
        body = _b64({"sub": client_id, "exp": int(self.clock() + ttl), "jti": secrets.token_hex(8)})
        token = f"{header}.{body}.{secrets.token_urlsafe(32)}"
        with self.lock:
            self.tokens[token] = self.clock() + ttl
        return token

    def valid(self, token):
        with self.lock:
            expiry = self.tokens.get(token)
            if expiry is not None and expiry <= self.clock():
                del self.tokens[token]
                expiry = None
        return expiry is not None

    def revoke_all(self):
        with self.lock:
            self.tokens.clear()


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
