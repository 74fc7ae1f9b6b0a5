"""The intake every public (unsigned, browser-facing) endpoint shares: size, rate, CORS, reader text.

``POST /feedback`` and ``POST /requests`` are called by readers' browsers, not by GitHub: there
is no signature to check, so each request is bounded (8 KB of JSON), each client is rate limited
(its address is kept in memory only for the window, never written anywhere), only the site's own
origins get a CORS grant, no cookie is read or set, and reader text is made plain before anyone
stores it (`reader_text`). Echoing it to GitHub goes through the one neutraliser,
`kennis.markdown`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import secrets
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from review_bot.settings import Settings

StartResponse = Callable[..., Any]
Environ = dict[str, Any]

MAX_PUBLIC_BODY = 8 * 1024
CORS_METHODS = "POST, OPTIONS"
CORS_MAX_AGE = "600"


_PROCESS = secrets.token_hex(8)  # this process' ids cannot meet another's (or an earlier run's)
_COUNTER = itertools.count()


def new_id(prefix: str) -> str:
    """A unique id for a stored report: this process' random prefix and a counter.

    No system call (`uuid.uuid4` reads the kernel's random source on every call, and each call
    hands the interpreter lock away in the middle of an acknowledgement).
    """
    return f"{prefix}-{_PROCESS}{next(_COUNTER):08x}"


class PublicError(Exception):
    """A request the endpoint refuses: an HTTP status, the reason, and extra headers."""

    def __init__(self, status: str, message: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = tuple(headers)


def respond(
    start: StartResponse,
    status: str,
    body: Mapping[str, Any],
    headers: Iterable[tuple[str, str]] = (),
) -> list[bytes]:
    """A JSON answer that is never cached and never sets a cookie."""
    data = json.dumps(body).encode("utf-8")
    start(
        status,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            *headers,
        ],
    )
    return [data]


def read_json(environ: Environ, limit: int = MAX_PUBLIC_BODY) -> dict[str, Any]:
    """The body as a JSON object: 413 over *limit* bytes (read no further), 400 if not an object."""
    declared = (environ.get("CONTENT_LENGTH") or "").strip()
    if declared:
        try:
            length = int(declared)
        except ValueError:
            raise PublicError("400 Bad Request", "Content-Length is not a number") from None
        if length > limit:
            raise PublicError("413 Content Too Large", f"body over {limit} bytes")
        body = environ["wsgi.input"].read(length) if length > 0 else b""
    else:  # chunked: read one byte past the limit to know it is over
        body = environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        raise PublicError("413 Content Too Large", f"body over {limit} bytes")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise PublicError("400 Bad Request", "body is not valid JSON") from None
    if not isinstance(data, dict):
        raise PublicError("400 Bad Request", "body is not a JSON object")
    return data


def reader_text(value: object, field: str, limit: int) -> str:
    """Reader-supplied text made plain: a string of at most *limit* characters, no controls.

    Newlines and tabs stay (a comment has paragraphs); other control and format characters
    (bidi overrides, zero-width joiners that could fake a mention) are dropped. What it says is
    kept as written: turning it into inert Markdown is `kennis.markdown`'s job where it is shown.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PublicError("400 Bad Request", f"{field} must be a string")
    if len(value) > limit:
        raise PublicError("400 Bad Request", f"{field} is over {limit} characters")
    normal = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    kept = "".join(c for c in normal if c in "\n\t" or unicodedata.category(c)[0] != "C")
    return kept.strip()


@dataclass(frozen=True)
class Decision:
    """Whether one request may go on, and if not, in how many seconds it may."""

    allowed: bool
    retry_after: int = 0


class RateLimiter:
    """At most *limit* requests per client key in any *window* seconds (a sliding log).

    Keys are hashed with a per-process salt before they are kept, and a key whose requests
    are all older than the window is forgotten, so no address outlives the window even in memory.
    """

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._salt = hashlib.sha256(str(time.time_ns()).encode()).digest()
        self._hits: dict[bytes, deque[float]] = {}
        self._lock = threading.Lock()
        self._swept = clock()

    def _key(self, client: str) -> bytes:
        return hashlib.blake2b(client.encode("utf-8", "replace"), key=self._salt[:32]).digest()

    def check(self, client: str) -> Decision:
        """Count one request from *client*; refused ones are not counted."""
        now = self.clock()
        key = self._key(client)
        with self._lock:
            self._sweep(now)
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return Decision(False, max(1, math.ceil(hits[0] + self.window - now)))
            hits.append(now)
            return Decision(True)

    def _sweep(self, now: float) -> None:
        if now - self._swept < self.window:
            return
        self._swept = now
        stale = [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]
        for key in stale:
            del self._hits[key]

    def __len__(self) -> int:
        """How many clients are remembered now (for tests: none after the window)."""
        with self._lock:
            self._sweep(self.clock())
            return len(self._hits)


def origin_of(url: str) -> str:
    """``https://kb.example.com/docs/`` → ``https://kb.example.com`` (how browsers send Origin)."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme.lower()}://{host.lower()}" if scheme and host else ""


@dataclass(frozen=True)
class Intake:
    """One public endpoint's policy: allowed origins, limits and the optional identity header."""

    origins: frozenset[str]
    limiter: RateLimiter
    identity_header: str | None = None
    max_body: int = MAX_PUBLIC_BODY

    def cors(self, environ: Environ) -> tuple[tuple[str, str], ...]:
        """The grant for an allowed ``Origin`` (never credentials); nothing for any other."""
        origin = (environ.get("HTTP_ORIGIN") or "").strip()
        if not origin or origin.rstrip("/").lower() not in self.origins:
            return (("Vary", "Origin"),)
        return (("Access-Control-Allow-Origin", origin), ("Vary", "Origin"))

    def preflight(self, environ: Environ, start: StartResponse) -> list[bytes]:
        """Answer ``OPTIONS``: methods and headers for an allowed origin, 204 either way."""
        grant = self.cors(environ)
        if any(name == "Access-Control-Allow-Origin" for name, _ in grant):
            grant += (
                ("Access-Control-Allow-Methods", CORS_METHODS),
                ("Access-Control-Allow-Headers", "Content-Type"),
                ("Access-Control-Max-Age", CORS_MAX_AGE),
            )
        start("204 No Content", [("Content-Length", "0"), *grant])
        return []

    def admit(self, environ: Environ) -> dict[str, Any]:
        """Rate-limit the client, then read the JSON body (429, 413 or 400 as `PublicError`)."""
        decision = self.limiter.check(client_address(environ))
        if not decision.allowed:
            raise PublicError(
                "429 Too Many Requests",
                f"too many reports from this address: try again in {decision.retry_after} s",
                [("Retry-After", str(decision.retry_after))],
            )
        return read_json(environ, self.max_body)

    def identity(self, environ: Environ) -> str | None:
        """The reader's name from the configured SSO header (plain text, at most 200 chars)."""
        if not self.identity_header:
            return None
        key = "HTTP_" + self.identity_header.upper().replace("-", "_")
        raw = environ.get(key)
        if not isinstance(raw, str) or not raw.strip():
            return None
        return reader_text(raw[:200], self.identity_header, 200) or None


def client_address(environ: Environ) -> str:
    """The peer address (proxy headers are not trusted: waitress clears them)."""
    return str(environ.get("REMOTE_ADDR") or "unknown")


def make_intake(
    site_url: str | None,
    extra_origins: Iterable[str],
    *,
    limit: int,
    window: float,
    identity_header: str | None = None,
) -> Intake:
    """The policy from settings: the site's origin plus the extra ones, and the rate limit."""
    origins = {origin_of(u) for u in (site_url, *extra_origins) if u}
    return Intake(frozenset(o for o in origins if o), RateLimiter(limit, window), identity_header)


def intake_from_settings(settings: Settings) -> Intake:
    """The one public-endpoint policy (/feedback, /requests): origins, rate limit, identity."""
    return make_intake(
        settings.site_url,
        settings.feedback_origins,
        limit=settings.feedback_limit,
        window=settings.feedback_window,
        identity_header=settings.feedback_identity_header,
    )
