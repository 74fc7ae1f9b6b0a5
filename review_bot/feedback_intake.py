"""``POST /feedback``: a reader's report, checked against the site's pages, stored, answered 202.

The report is in the ledger (a ``kennis_feedback`` delivery) before the 202, so a crash after the
answer loses nothing; the workers turn it into the page's feedback issue (`review_bot.feedback`).
Which pages exist is read from the site repository's mirror at its default branch, once per
commit.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kennis.feedback import KINDS, MAX_COMMENT
from kennis.gitrev import GitError
from kennis.i18n import translator
from kennis.kb import load_kb
from kennis.paths import normalize
from review_bot.ledger import DeliveryLedger
from review_bot.mirror import Mirror
from review_bot.public import (
    Environ,
    Intake,
    PublicError,
    StartResponse,
    intake_from_settings,
    new_id,
    reader_text,
    respond,
)
from review_bot.settings import Settings

FEEDBACK_EVENT = "kennis_feedback"
RECHECK = 2.0  # seconds the default branch's commit is trusted before it is read again
FRESH = 0.5  # an unknown page re-reads the branch inline at most this often (404 floods stay cheap)


@dataclass(frozen=True)
class SitePages:
    """The site's pages at one commit: content folder, and owner / reviewers per page."""

    sha: str
    content_dir: str
    owners: dict[str, str | None]  # repository path → owner handle text
    reviewers: dict[str, tuple[str, ...]]  # repository path → owner and co-author keys
    outdated_reports: int = 2  # the repository's threshold (``outdated_reports`` in kennis.yml)
    language: str = "en"  # the repository's ``language:``: feedback issues are written in it


class PageCatalog:
    """The pages of the site repository's default branch, read from its mirror once per commit.

    Acknowledgements never wait for git once the pages are known: a stale answer (older than
    ``RECHECK`` seconds) is served while one background thread reads the branch again. Only the
    first request, or one naming a page the known commit lacks (``fresh=True``), reads it inline.
    """

    def __init__(self, mirrors_root: Path, repo: str, env: Any = None) -> None:
        self.mirror = Mirror.for_repository(mirrors_root, repo, "", None, env)
        self._lock = threading.Lock()
        self._pages: SitePages | None = None
        self._checked = 0.0
        self._refreshing = False
        self._starting = threading.Lock()

    def current(self, fresh: bool = False) -> SitePages | None:
        """The pages now (None before the App has ever fetched the repository)."""
        pages = self._pages
        age = time.monotonic() - self._checked
        if pages is not None and (not fresh or age < FRESH):
            if age >= RECHECK:
                self._refresh_in_background()
            return pages
        if pages is not None:  # an unknown page: read now, unless a read is under way already
            if not self._lock.acquire(blocking=False):
                return pages  # a flood of unknown pages queues no git reads (and no real report)
            try:
                return self._read() if time.monotonic() - self._checked >= FRESH else self._pages
            finally:
                self._lock.release()
        with self._lock:
            return self._read()

    def warm(self) -> None:
        """Read the pages now, in the background (nothing happens without a mirror yet)."""
        self._refresh_in_background()

    def _refresh_in_background(self) -> None:
        with self._starting:  # not the read lock: an answer never waits behind a git read here
            if self._refreshing:
                return
            self._refreshing = True
        threading.Thread(target=self._refresh, name="kennis-pages", daemon=True).start()

    def _refresh(self) -> None:
        try:
            with self._lock:
                self._read()
        except (GitError, OSError):
            pass  # the known pages stay; the next request tries again
        finally:
            self._refreshing = False

    def _read(self) -> SitePages | None:
        """Re-read the branch's commit (and its pages when it moved); the caller holds the lock."""
        if not (self.mirror.path / "HEAD").exists():
            return None
        sha = self.mirror.rev_parse("HEAD")
        if sha is None:
            return None
        if self._pages is None or self._pages.sha != sha:
            self._pages = read_pages(self.mirror, sha)
        self._checked = time.monotonic()
        return self._pages


def read_pages(mirror: Mirror, sha: str) -> SitePages:
    kb = load_kb(mirror.tree_at(sha))
    owners = {p: (page.owner.handle.text if page.owner else None) for p, page in kb.pages.items()}
    reviewers = {p: tuple(h.key for h in page.reviewers) for p, page in kb.pages.items()}
    config = kb.config
    return SitePages(
        sha, config.content_dir, owners, reviewers, config.outdated_reports, config.language
    )


def parse_report(body: dict[str, Any]) -> tuple[str, str, str]:
    """(page, kind, comment) from the JSON body, or a 400 naming the field."""
    page, kind = body.get("page"), body.get("kind")
    if not isinstance(page, str) or not page.strip() or len(page) > 500:
        raise PublicError("400 Bad Request", "page must be the page's path, e.g. team/faq.md")
    if kind not in KINDS:
        raise PublicError("400 Bad Request", f"kind must be one of: {', '.join(KINDS)}")
    comment = reader_text(body.get("comment"), "comment", MAX_COMMENT)
    return page.strip().lstrip("/"), str(kind), comment


class FeedbackEndpoint:
    """``OPTIONS`` and ``POST /feedback`` for the one site repository (``KENNIS_SITE_REPO``)."""

    def __init__(
        self, settings: Settings, ledger: DeliveryLedger, on_recorded: Callable[[], None]
    ) -> None:
        self.settings = settings
        self.ledger = ledger
        self.on_recorded = on_recorded
        self.intake: Intake = intake_from_settings(settings)
        repo = settings.site_repo
        self.catalog = PageCatalog(settings.mirrors_dir, repo, settings.child_env) if repo else None
        if self.catalog is not None:
            self.catalog.warm()  # the first reader after a restart does not wait for git

    def __call__(self, environ: Environ, start: StartResponse) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "OPTIONS":
            return self.intake.preflight(environ, start)
        cors = self.intake.cors(environ)
        try:
            if method != "POST":
                raise PublicError("405 Method Not Allowed", "use POST")
            answer = self.accept(environ)
        except PublicError as refused:
            return respond(
                start, refused.status, {"error": refused.message}, cors + refused.headers
            )
        return respond(start, "202 Accepted", answer, cors)

    def accept(self, environ: Environ) -> dict[str, Any]:
        body = self.intake.admit(environ)
        page, kind, comment = parse_report(body)
        pages = self._pages()
        path = normalize(f"{pages.content_dir}/{page}") if pages.content_dir else normalize(page)
        if path not in pages.owners:
            pages = self._pages(fresh=True)  # a page merged a moment ago: read the branch now
        if path not in pages.owners:
            raise PublicError("404 Not Found", f"no page {page} on the site")
        owner = pages.owners[path]
        report_id = new_id("feedback")
        payload = {
            "repository": {"full_name": self.settings.site_repo},
            "report": {
                "id": report_id,
                "page": path,
                "kind": kind,
                "comment": comment,
                "identity": self.intake.identity(environ),
                "on": datetime.now(UTC).date().isoformat(),
            },
        }
        raw = json.dumps(payload, separators=(",", ":")).encode()
        self.ledger.record(report_id, FEEDBACK_EVENT, raw, payload)
        self.on_recorded()
        tr = translator(pages.language)  # the site repository's `language:`
        if owner:
            thanks = tr._("Thanks — {owner} will see this", owner=owner)
        else:
            thanks = tr._("Thanks — the knowledge team will see this")
        return {"id": report_id, "owner": owner, "message": thanks}

    def _pages(self, fresh: bool = False) -> SitePages:
        if self.catalog is None:
            raise PublicError("404 Not Found", "feedback is not enabled (no KENNIS_SITE_REPO)")
        try:
            pages = self.catalog.current(fresh)
        except (GitError, OSError):
            pages = None
        if pages is None:
            raise PublicError(
                "503 Service Unavailable",
                "the site's pages are not known yet: try again later",
                [("Retry-After", "60")],
            )
        return pages
