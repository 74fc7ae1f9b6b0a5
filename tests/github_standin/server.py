"""The GitHub stand-in server: a threaded loopback HTTP server dispatching to the route modules."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import auth, checks, deployments, faults, hook_deliveries, issues, pulls, repos  # noqa: F401  (routes register)
from .core import ROUTES, ApiError, Reply, Request
from .seeding import Seeding
from .state import Store

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
RATE_LIMIT = {"jwt": 5000, "token": 5000, None: 60}


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the stand-in saw it, for tests to assert on."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    auth: str | None  # "jwt" | "token" | None
    actor: str | None
    status: int

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS


class GitHubStandIn(Seeding):
    """A stateful stand-in for api.github.com on 127.0.0.1; see `seeding.Seeding` for set-up."""

    def __init__(self, app_id: int, public_key_pem: str, app_slug: str = "kennis-bot") -> None:
        self.public_key_pem = public_key_pem
        self.store = Store(app_id, app_slug)
        self.lock = threading.RLock()
        self.faults = faults.FaultPlan()
        self.hooks = hook_deliveries.HookLog()  # the App's webhook and its delivery log
        self.requests: list[LoggedRequest] = []
        self.token_ttl = 3600.0
        self._used: dict[str, int] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> GitHubStandIn:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.standin = self  # type: ignore[attr-defined]
        self._server = server
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> GitHubStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request log -----------------------------------------------------------------------
    def writes(self) -> list[LoggedRequest]:
        """Requests that change state (POST/PATCH/PUT/DELETE), in order."""
        return [r for r in self.requests if r.is_write]

    def requests_to(self, method: str, path_regex: str) -> list[LoggedRequest]:
        """Logged requests with this method whose path fully matches `path_regex`."""
        import re

        pattern = re.compile(path_regex)
        return [
            r for r in self.requests if r.method == method.upper() and pattern.fullmatch(r.path)
        ]

    def clear_log(self) -> None:
        with self.lock:
            self.requests.clear()

    # -- dispatch --------------------------------------------------------------------------
    def dispatch(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Serve one request: auth, faults, routing; every answer carries GitHub's headers."""
        parsed = urllib.parse.urlsplit(target)
        query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        request_id = uuid.uuid4().hex[:8].upper() + ":" + uuid.uuid4().hex[:12].upper()
        req = Request(method, parsed.path.rstrip("/") or "/", query, headers, body, None)
        try:
            reply = self._serve(req, request_id)
        except ApiError as err:
            reply = Reply(err.status, err.body, err.headers)
        out = self._headers(req, request_id)
        out.update(reply.headers)
        payload = b"" if reply.body is None else json.dumps(reply.body).encode()
        if payload:
            out["Content-Type"] = "application/json; charset=utf-8"
        with self.lock:
            self.requests.append(
                LoggedRequest(method, req.path, query, req.json, req.auth, req.actor, reply.status)
            )
        return reply.status, out, payload

    def _serve(self, req: Request, request_id: str) -> Reply:
        if req.body:
            try:
                req.json = json.loads(req.body)
            except ValueError:
                raise ApiError(400, "Problems parsing JSON") from None
        auth.authenticate(self, req)
        rule = self.faults.pick(req.method, req.path)
        if rule is not None:
            faults.apply(rule, request_id)
        for r in ROUTES:
            match = r.pattern.match(req.path) if r.method == req.method else None
            if match is not None:
                req.params = match.groupdict()
                auth.require(req, r.auth)
                with self.lock:
                    return r.handler(self, req)
        raise ApiError(404, "Not Found")  # GitHub answers 404 (not 405) for unknown method+path

    def _headers(self, req: Request, request_id: str) -> dict[str, str]:
        key = req.headers.get("authorization", "") if req.auth else f"anon:{req.auth}"
        with self.lock:
            used = self._used[key] = self._used.get(key, 0) + 1
        limit = RATE_LIMIT.get(req.auth, 60)
        return {
            "X-GitHub-Request-Id": request_id,
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - used)),
            "X-RateLimit-Used": str(used),
            "X-RateLimit-Reset": str(int(time.time()) // 3600 * 3600 + 3600),
            "X-RateLimit-Resource": "core",
        }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as GitHub; PyGithub reuses connections
    disable_nagle_algorithm = True  # else headers+body as two writes cost a 40 ms delayed ACK
    server_version = "GitHub.com"
    sys_version = ""

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        standin: GitHubStandIn = self.server.standin  # type: ignore[attr-defined]
        status, out, payload = standin.dispatch(self.command, self.path, headers, body)
        self.send_response(status)
        for name, value in out.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _any

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is `GitHubStandIn.requests`."""
