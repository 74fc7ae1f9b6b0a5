"""The App's webhook deliveries: GitHub's delivery log, its listing and redelivery routes.

`HookLog.deliver` POSTs a signed delivery to the App's webhook URL as GitHub does and records
the attempt (a bot that is down gets a failed one). ``GET /app/hook/deliveries`` lists the
attempts newest first with cursor pagination (``Link: <…?cursor=…>; rel="next"``), and
``POST /app/hook/deliveries/{delivery_id}/attempts`` sends the stored payload again, with
the same GUID, as a new attempt marked ``redelivery``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .core import ApiError, Reply, Request, not_found, route
from .webhooks import sign

if TYPE_CHECKING:
    from .server import GitHubStandIn


@dataclass
class Attempt:
    """One delivery attempt as GitHub's delivery log shows it (plus what was sent)."""

    id: int
    guid: str
    event: str
    action: str | None
    installation_id: int | None
    repository_id: int | None
    raw: bytes
    redelivery: bool
    delivered_at: str = ""
    duration: float = 0.0
    status: str = ""
    status_code: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "guid": self.guid,
            "delivered_at": self.delivered_at,
            "redelivery": self.redelivery,
            "duration": self.duration,
            "status": self.status,
            "status_code": self.status_code,
            "event": self.event,
            "action": self.action,
            "installation_id": self.installation_id,
            "repository_id": self.repository_id,
            "throttled_at": None,
        }


@dataclass
class HookLog:
    """The App's webhook: where it points, its secret, and every attempt (oldest first)."""

    url: str = ""
    secret: str = ""
    attempts: list[Attempt] = field(default_factory=list)
    redeliveries: Counter[str] = field(default_factory=Counter)  # guid -> redelivery requests
    _ids: Any = field(default_factory=lambda: itertools.count(7_000_000_001))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(
        self, event: str, payload: dict[str, Any], guid: str, *, redelivery: bool = False
    ) -> Attempt:
        """POST one signed delivery to ``url`` now and log the attempt (failed if unreachable)."""
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return self._send(self._attempt(event, payload, guid, raw, redelivery))

    def _attempt(
        self, event: str, payload: dict[str, Any], guid: str, raw: bytes, redelivery: bool
    ) -> Attempt:
        installation = payload.get("installation") or {}
        repository = payload.get("repository") or {}
        with self._lock:
            return Attempt(
                next(self._ids),
                guid,
                event,
                payload.get("action"),
                installation.get("id"),
                repository.get("id"),
                raw,
                redelivery,
            )

    def _send(self, attempt: Attempt) -> Attempt:
        headers = {
            "Content-Type": "application/json",
            "X-GitHub-Event": attempt.event,
            "X-GitHub-Delivery": attempt.guid,
            "X-Hub-Signature-256": sign(self.secret, attempt.raw),
        }
        started = time.monotonic()
        request = urllib.request.Request(self.url, attempt.raw, headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                attempt.status_code, attempt.status = response.status, "OK"
        except urllib.error.HTTPError as err:
            attempt.status_code, attempt.status = err.code, f"Invalid HTTP Response: {err.code}"
        except OSError:
            attempt.status_code, attempt.status = 0, "failed to connect to host"
        attempt.duration = round(time.monotonic() - started, 3)
        attempt.delivered_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:
            self.attempts.append(attempt)
        return attempt

    def redeliver(self, attempt_id: int) -> None:
        with self._lock:
            found = next((a for a in self.attempts if a.id == attempt_id), None)
            if found is None:
                raise not_found()
            self.redeliveries[found.guid] += 1
        again = self._attempt(found.event, json.loads(found.raw), found.guid, found.raw, True)
        # GitHub answers 202 and delivers a moment later, from elsewhere.
        threading.Thread(target=self._send, args=(again,), daemon=True).start()

    def newest_first(self) -> list[Attempt]:
        with self._lock:
            return sorted(self.attempts, key=lambda a: a.id, reverse=True)


@route("GET", "/app/hook/deliveries", auth="jwt")
def list_deliveries(gh: GitHubStandIn, req: Request) -> Reply:
    try:
        per_page = max(1, min(100, int(req.query.get("per_page", "30"))))
    except ValueError:
        raise ApiError(422, "per_page is not a number") from None
    cursor = req.query.get("cursor", "")
    items = gh.hooks.newest_first()
    if cursor:
        if not cursor.startswith("v1_") or not cursor[3:].isdigit():
            raise ApiError(422, "Invalid cursor")
        items = [a for a in items if a.id < int(cursor[3:])]
    chunk = items[:per_page]
    headers = {}
    if len(items) > per_page:
        query = dict(req.query, per_page=str(per_page), cursor=f"v1_{chunk[-1].id}")
        headers["Link"] = f'<{gh.base_url}{req.path}?{urllib.parse.urlencode(query)}>; rel="next"'
    return Reply(200, [a.to_json() for a in chunk], headers)


@route("POST", "/app/hook/deliveries/{delivery_id}/attempts", auth="jwt")
def redeliver(gh: GitHubStandIn, req: Request) -> Reply:
    gh.hooks.redeliver(req.param_int("delivery_id"))
    return Reply(202, {})
