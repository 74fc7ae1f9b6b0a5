"""The WSGI application: ``POST /webhook`` (verify, bound, record, 202) and ``GET /healthz``."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from review_bot import signature
from review_bot.ledger import Ledger
from review_bot.settings import Settings

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
CHUNK = 64 * 1024


class _Reject(Exception):
    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _respond(start: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode("utf-8")
    start(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def read_body(environ: Environ, limit: int) -> bytes:
    """Read the raw body, refusing (413) anything over *limit* bytes before or while reading."""
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared.strip():
        try:
            length = int(declared)
        except ValueError:
            raise _Reject("400 Bad Request", "Content-Length is not a number") from None
        if length > limit:
            raise _Reject("413 Content Too Large", f"body over {limit} bytes")
    else:
        length = -1
    stream = environ["wsgi.input"]
    parts: list[bytes] = []
    size = 0
    while length < 0 or size < length:
        want = CHUNK if length < 0 else min(CHUNK, length - size)
        chunk = stream.read(want)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise _Reject("413 Content Too Large", f"body over {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)


def parse_payload(environ: Environ, body: bytes) -> dict[str, Any]:
    """Decode a JSON (or legacy form-encoded ``payload=``) webhook body into an object."""
    content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    text: str | bytes = body
    if content_type == "application/x-www-form-urlencoded":
        fields = parse_qs(body.decode("utf-8", "replace"))
        text = (fields.get("payload") or [""])[0]
    try:
        payload = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise _Reject("400 Bad Request", "body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise _Reject("400 Bad Request", "body is not a JSON object")
    return payload


class WebhookApp:
    """WSGI callable; *on_recorded* is called after a new delivery is committed (wakes workers)."""

    def __init__(
        self, settings: Settings, ledger: Ledger, on_recorded: Callable[[], None] | None = None
    ) -> None:
        self.settings = settings
        self.ledger = ledger
        self.on_recorded = on_recorded or (lambda: None)
        self._inflight = 0
        self._inflight_lock = threading.Lock()

    @property
    def acknowledging(self) -> bool:
        """True while a webhook request is being read and recorded (workers give way to it)."""
        return self._inflight > 0

    def __call__(self, environ: Environ, start: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if path == "/webhook":
                if method != "POST":
                    raise _Reject("405 Method Not Allowed", "use POST")
                return self.webhook(environ, start)
            if path == "/healthz":
                if method not in ("GET", "HEAD"):
                    raise _Reject("405 Method Not Allowed", "use GET")
                return _respond(start, "200 OK", {"status": "ok", **self.ledger.counts()})
            raise _Reject("404 Not Found", "no such endpoint")
        except _Reject as reject:
            return _respond(start, reject.status, {"error": reject.message})

    def webhook(self, environ: Environ, start: StartResponse) -> list[bytes]:
        with self._inflight_lock:
            self._inflight += 1
        try:
            return self._webhook(environ, start)
        finally:
            with self._inflight_lock:
                self._inflight -= 1

    def _webhook(self, environ: Environ, start: StartResponse) -> list[bytes]:
        body = read_body(environ, self.settings.max_body)
        given = environ.get("HTTP_X_HUB_SIGNATURE_256")
        if not signature.verify(self.settings.webhook_secret, body, given):
            log.warning("rejected a webhook with a %s signature", "bad" if given else "missing")
            raise _Reject("401 Unauthorized", "missing or bad X-Hub-Signature-256")
        event = (environ.get("HTTP_X_GITHUB_EVENT") or "").strip()
        delivery = (environ.get("HTTP_X_GITHUB_DELIVERY") or "").strip()
        if not event or not delivery:
            raise _Reject("400 Bad Request", "X-GitHub-Event and X-GitHub-Delivery are required")
        if len(delivery) > 200:
            raise _Reject("400 Bad Request", "X-GitHub-Delivery is too long")
        payload = parse_payload(environ, body)
        if event == "ping":
            return _respond(start, "200 OK", {"pong": True, "delivery": delivery})
        is_json = body.lstrip()[:1] == b"{"
        stored = body if is_json else json.dumps(payload, separators=(",", ":")).encode()
        new = self.ledger.record(delivery, event, stored, payload)
        if new:
            self.on_recorded()
        return _respond(start, "202 Accepted", {"delivery": delivery, "duplicate": not new})
