"""GitHub webhook signatures: HMAC-SHA256 over the raw request body, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(secret: bytes, body: bytes) -> str:
    """Compute the ``X-Hub-Signature-256`` value GitHub would send for *body*."""
    return PREFIX + hmac.new(secret, body, hashlib.sha256).hexdigest()


def start(secret: bytes) -> hmac.HMAC:
    """An HMAC to feed a body piece by piece (``update``), so no body is held whole to check it."""
    return hmac.new(secret, digestmod=hashlib.sha256)


def matches(mac: hmac.HMAC, header: str | None) -> bool:
    """Tell whether *header* is a well-formed signature equal to the HMAC fed so far."""
    if not header or not header.startswith(PREFIX):
        return False
    expected = (PREFIX + mac.hexdigest()).encode("ascii")
    return hmac.compare_digest(expected, header.encode("ascii", "replace"))


def verify(secret: bytes, body: bytes, header: str | None) -> bool:
    """Tell whether *header* is a well-formed signature of *body* under *secret*."""
    mac = start(secret)
    mac.update(body)
    return matches(mac, header)
