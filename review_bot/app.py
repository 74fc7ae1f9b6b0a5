"""The WSGI application: ``POST /webhook`` (verify, bound, record, 202) and ``GET /healthz``."""

from __future__ import annotations

import json
import logging
import re
import resource
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate
from typing import IO, Any
from urllib.parse import parse_qs

from review_bot import signature
from review_bot.feedback_intake import FeedbackEndpoint
from review_bot.ledger import DeliveryLedger
from review_bot.requests_intake import RequestsEndpoint
from review_bot.settings import Settings

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
CHUNK = 64 * 1024
SPOOL_OVER = 1024 * 1024  # bodies larger than this wait on disk until their signature is checked
MAX_DEPTH = 400  # GitHub's payloads nest about 10 deep
ACK_QUIET = 0.01  # seconds after an acknowledgement in which workers still give way (a burst)


class _Reject(Exception):
    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _respond(start: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode("utf-8")
    start(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _declared_length(environ: Environ, limit: int) -> int:
    """The body's Content-Length (-1 when chunked); 413 at once when it is over *limit*."""
    declared = environ.get("CONTENT_LENGTH") or ""
    if not declared.strip():
        return -1
    try:
        length = int(declared)
    except ValueError:
        raise _Reject("400 Bad Request", "Content-Length is not a number") from None
    if length > limit:
        raise _Reject("413 Content Too Large", f"body over {limit} bytes")
    return length


def _chunks(stream: IO[bytes], length: int) -> Iterator[bytes]:
    size = 0
    while length < 0 or size < length:
        chunk = stream.read(CHUNK if length < 0 else min(CHUNK, length - size))
        if not chunk:
            return
        size += len(chunk)
        yield chunk


def read_signed_body(environ: Environ, limit: int, secret: bytes) -> bytes:
    """Return the raw body if its ``X-Hub-Signature-256`` holds: 413 over *limit*, else 401.

    The body is spooled (to disk above `SPOOL_OVER`) while its HMAC is computed, so unsigned
    bodies never sit in memory whole: sixteen forged 25 MB bodies cost disk, not 800 MB of RAM.
    """
    length = _declared_length(environ, limit)
    given = environ.get("HTTP_X_HUB_SIGNATURE_256")
    mac = signature.start(secret)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_OVER) as spool:
        size = 0
        for chunk in _chunks(environ["wsgi.input"], length):
            size += len(chunk)
            if size > limit:
                raise _Reject("413 Content Too Large", f"body over {limit} bytes")
            mac.update(chunk)
            spool.write(chunk)
        if not signature.matches(mac, given):
            log.warning("rejected a webhook with a %s signature", "bad" if given else "missing")
            raise _Reject("401 Unauthorized", "missing or bad X-Hub-Signature-256")
        spool.seek(0)
        return spool.read()


# A JSON string (escapes kept inside it; an unterminated one runs to the end), matched without
# backtracking so no body makes this slower than one pass.
_JSON_STRING = re.compile(rb'"[^"\\]*+(?:\\.?[^"\\]*+)*+(?:"|\Z)', re.DOTALL)
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 and -1 as signed bytes
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def nesting_depth(text: bytes) -> int:
    """How deep arrays and objects nest in JSON *text*, found without parsing it.

    Python's json recurses once per level and fails with RecursionError near 1,000 levels, so
    the depth is checked on the raw text first.
    """
    brackets = _JSON_STRING.sub(b"", text).translate(_BRACKET_STEPS, _NOT_BRACKETS)
    return max(accumulate(memoryview(brackets).cast("b")), default=0)


def parse_payload(environ: Environ, body: bytes) -> tuple[dict[str, Any], bytes]:
    """Decode a JSON (or legacy form-encoded ``payload=``) webhook body into an object.

    Returns the object and the JSON text it came from, which is what the ledger stores: it
    decodes to the same object when a worker claims the delivery.
    """
    content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    text = body
    if content_type == "application/x-www-form-urlencoded":
        fields = parse_qs(body.decode("utf-8", "replace"))
        text = (fields.get("payload") or [""])[0].encode("utf-8")
    # Counting brackets runs at memchr speed: a body with few cannot nest deeply (most do).
    opening = text.count(b"[") + text.count(b"{")
    if opening > MAX_DEPTH and nesting_depth(text) > MAX_DEPTH:
        raise _Reject("400 Bad Request", f"body nests deeper than {MAX_DEPTH} levels")
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise _Reject("400 Bad Request", "body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise _Reject("400 Bad Request", "body is not a JSON object")
    return payload, text


def server_options(settings: Settings) -> dict[str, Any]:
    """Waitress settings that keep idle clients from starving ``/webhook`` and the site."""
    return {
        "connection_limit": settings.connection_limit,
        "channel_timeout": settings.channel_timeout,
        # Idle connections are closed at the first sweep after channel_timeout.
        "cleanup_interval": max(1, settings.channel_timeout // 2),
        # select() cannot watch file descriptors above 1023; poll() has no such ceiling.
        "asyncore_use_poll": True,
    }


def allow_open_files(connections: int) -> None:
    """Raise the soft open-file limit (up to the hard one) to room for *connections* sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 200  # the ledger, mirrors, builds and waitress' own spool files
    if soft != resource.RLIM_INFINITY and soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


class WebhookApp:
    """WSGI callable; *on_recorded* is called after a new delivery is committed (wakes workers)."""

    def __init__(
        self,
        settings: Settings,
        ledger: DeliveryLedger,
        on_recorded: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.ledger = ledger
        self.on_recorded = on_recorded or (lambda: None)
        self._inflight = 0
        self._acked_at = -ACK_QUIET
        self._inflight_lock = threading.Lock()
        # Public endpoints (readers' browsers, not GitHub): their own intake, review_bot/public.py.
        self.public: dict[str, Callable[[Environ, StartResponse], Iterable[bytes]]] = {
            "/feedback": FeedbackEndpoint(settings, ledger, self.on_recorded),
            "/requests": RequestsEndpoint(settings, ledger, self.on_recorded),
        }

    @property
    def acknowledging(self) -> bool:
        """True while a request is being acknowledged, or was a moment ago (workers give way).

        The moment after (``ACK_QUIET``) bridges the gaps inside a burst, while the server reads
        the next requests before any of them reaches the application.
        """
        return self._inflight > 0 or time.monotonic() - self._acked_at < ACK_QUIET

    def __call__(self, environ: Environ, start: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if path == "/webhook":
                if method != "POST":
                    raise _Reject("405 Method Not Allowed", "use POST")
                return self.webhook(environ, start)
            if path in self.public:
                return self._acknowledging(self.public[path], environ, start)
            if path == "/healthz":
                if method not in ("GET", "HEAD"):
                    raise _Reject("405 Method Not Allowed", "use GET")
                return _respond(start, "200 OK", {"status": "ok", **self.ledger.counts()})
            raise _Reject("404 Not Found", "no such endpoint")
        except _Reject as reject:
            return _respond(start, reject.status, {"error": reject.message})

    def webhook(self, environ: Environ, start: StartResponse) -> list[bytes]:
        return self._acknowledging(self._webhook, environ, start)

    def _acknowledging(
        self,
        handler: Callable[[Environ, StartResponse], Iterable[bytes]],
        environ: Environ,
        start: StartResponse,
    ) -> list[bytes]:
        """Run *handler* counted as an acknowledgement in flight (workers give way meanwhile)."""
        with self._inflight_lock:
            self._inflight += 1
        try:
            return list(handler(environ, start))
        finally:
            with self._inflight_lock:
                self._inflight -= 1
                self._acked_at = time.monotonic()

    def _webhook(self, environ: Environ, start: StartResponse) -> list[bytes]:
        settings = self.settings
        body = read_signed_body(environ, settings.max_body, settings.webhook_secret)
        event = (environ.get("HTTP_X_GITHUB_EVENT") or "").strip()
        delivery = (environ.get("HTTP_X_GITHUB_DELIVERY") or "").strip()
        if not event or not delivery:
            raise _Reject("400 Bad Request", "X-GitHub-Event and X-GitHub-Delivery are required")
        if len(delivery) > 200:
            raise _Reject("400 Bad Request", "X-GitHub-Delivery is too long")
        payload, stored = parse_payload(environ, body)
        if event == "ping":
            return _respond(start, "200 OK", {"pong": True, "delivery": delivery})
        new = self.ledger.record(delivery, event, stored, payload)
        if new:
            self.on_recorded()
        return _respond(start, "202 Accepted", {"delivery": delivery, "duplicate": not new})
