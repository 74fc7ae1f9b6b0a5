"""Serve the live site (and pull-request previews) from the App's own server, next to the webhook."""

from __future__ import annotations

import mimetypes
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

APP_PATHS = frozenset({"/webhook", "/healthz"})
PREVIEW = re.compile(r"^/previews/(pr-[1-9][0-9]{0,9})(/.*)?$")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
    ".map": "application/json",
    ".gz": "application/gzip",
}
# Every response: no MIME sniffing (a page's .txt must never run as HTML), and no full URLs
# (which may name unpublished preview pages) leaked to other sites.
COMMON_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))
# Previews show a pull request's HTML (Markdown allows raw HTML) on the live site's origin: a
# sandbox without allow-same-origin/allow-scripts gives them an opaque origin and no scripts, so
# they can read no cookies or storage of the live site and call nothing on the App as it.
PREVIEW_HEADERS = (("Content-Security-Policy", "sandbox allow-forms allow-popups"),)
NOT_FOUND = b"<!doctype html><title>Not found</title><h1>404 - Not found</h1>\n"
BLOCK = 64 * 1024


def content_type(path: Path) -> str:
    found = _TYPES.get(path.suffix.lower())
    if found:
        return found
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed and guessed.startswith("text/"):
        return guessed + "; charset=utf-8"
    return guessed or "application/octet-stream"


def safe_parts(url_path: str) -> list[str] | None:
    """The path's segments, or None if it tries to leave the site (``..``, NUL, backslashes)."""
    if "\0" in url_path or "\\" in url_path:
        return None
    parts = [p for p in url_path.split("/") if p not in ("", ".")]
    if any(p == ".." or p.startswith(".") for p in parts):
        return None  # no traversal, no dotfiles
    return parts


class SiteApp:
    """WSGI wrapper: ``/webhook`` and ``/healthz`` go to *inner*; GET/HEAD elsewhere serve files.

    The ``live`` link (or a preview link) is resolved once per request, so a release switch in
    the middle of a request never mixes two releases; releases themselves are never modified.
    """

    def __init__(self, inner: WSGIApp, sites_root: Path) -> None:
        self.inner = inner
        self.root = Path(sites_root)

    def __call__(self, environ: Environ, start: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        extra = COMMON_HEADERS + (PREVIEW_HEADERS if path.startswith("/previews/") else ())
        return self._route(environ, _adding(start, extra), path)

    def _route(self, environ: Environ, start: StartResponse, path: str) -> Iterable[bytes]:
        if path in APP_PATHS:
            return self.inner(environ, start)
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return self.inner(environ, start)
        match = PREVIEW.match(path)
        if match:
            base = self._resolve(self.root / "previews" / match.group(1))
            prefix, rest = f"/previews/{match.group(1)}", match.group(2) or ""
        else:
            base, prefix, rest = self._resolve(self.root / "live"), "", path
        if base is None:
            return self.inner(environ, start)  # nothing deployed: the App's own 404
        return self._serve(environ, start, base, prefix, rest)

    @staticmethod
    def _resolve(link: Path) -> Path | None:
        try:
            target = Path(os.path.realpath(link, strict=True))
        except OSError:
            return None
        return target if target.is_dir() else None

    def _serve(
        self, environ: Environ, start: StartResponse, base: Path, prefix: str, rest: str
    ) -> Iterable[bytes]:
        parts = safe_parts(rest)
        if parts is None:
            return self._not_found(environ, start, base)
        if not rest:  # "/previews/pr-1" -> "/previews/pr-1/"
            return _redirect(start, prefix + "/")
        target = base.joinpath(*parts)
        if target.is_dir():
            if not rest.endswith("/"):
                return _redirect(start, prefix + "/" + "/".join(parts) + "/")
            target = target / "index.html"
        real = Path(os.path.realpath(target))
        if not real.is_file() or not real.is_relative_to(base):
            return self._not_found(environ, start, base)
        return _file_response(environ, start, "200 OK", real)

    def _not_found(self, environ: Environ, start: StartResponse, base: Path) -> Iterable[bytes]:
        page = base / "404.html"
        if page.is_file():
            return _file_response(environ, start, "404 Not Found", page)
        start(
            "404 Not Found",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(NOT_FOUND)))],
        )
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [NOT_FOUND]


def _adding(start: StartResponse, extra: tuple[tuple[str, str], ...]) -> StartResponse:
    """*start* with *extra* headers appended (unless the response sets them itself)."""

    def wrapped(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
        have = {name.lower() for name, _ in headers}
        added = [(name, value) for name, value in extra if name.lower() not in have]
        return start(status, list(headers) + added, *exc_info)

    return wrapped


def _redirect(start: StartResponse, location: str) -> list[bytes]:
    start("301 Moved Permanently", [("Location", location), ("Content-Length", "0")])
    return []


def _file_response(
    environ: Environ, start: StartResponse, status: str, path: Path
) -> Iterable[bytes]:
    # Opened once: if the release is pruned meanwhile, the open file still reads completely.
    handle = path.open("rb")
    size = os.fstat(handle.fileno()).st_size
    headers = [("Content-Type", content_type(path)), ("Content-Length", str(size))]
    if path.suffix == ".html":
        headers.append(("Cache-Control", "no-cache"))
    start(status, headers)
    if environ.get("REQUEST_METHOD") == "HEAD":
        handle.close()
        return []
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is not None:
        return wrapper(handle, BLOCK)
    return _chunks(handle)


def _chunks(handle: Any) -> Iterable[bytes]:
    with handle:
        while chunk := handle.read(BLOCK):
            yield chunk
