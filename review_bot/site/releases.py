"""The release store of self-hosted sites: immutable releases, an atomically swapped ``live`` link."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from kennis.files import write_atomic

SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
PARTIAL = ".partial"
DEFAULT_KEEP = 5


class SiteError(Exception):
    """An operator asked for something the release store cannot do (message says what)."""


def swap_symlink(link: Path, target: str) -> None:
    """Point *link* at *target* atomically: a new link under a temporary name, then ``os.replace``.

    A reader resolving *link* sees either the old or the new target, never a missing link.
    """
    temp = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}.tmp")
    os.symlink(target, temp)
    try:
        os.replace(temp, link)
    except OSError:
        temp.unlink(missing_ok=True)
        raise


def build_folder(sites_root: Path) -> Path:
    """Where builds export their work trees: outside the data dir, one folder per data dir.

    Outside, so that nothing a build reads by a relative path (``../../ledger.sqlite3``) is the
    App's; named after the data dir, so a restarted App finds and removes its leftovers.
    """
    key = hashlib.sha256(str(Path(sites_root).absolute()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"kennis-builds-{key}"


@dataclass(frozen=True)
class Release:
    """One built release: its commit and when it was built (epoch seconds)."""

    sha: str
    built_at: float
    live: bool


class SiteStore:
    """``<root>/releases/<sha>/`` holds built sites; ``<root>/live`` links to the one served."""

    def __init__(self, root: Path, keep: int = DEFAULT_KEEP) -> None:
        self.root = Path(root)
        self.keep = max(1, keep)
        self.releases_dir = self.root / "releases"
        self.live = self.root / "live"
        self.previews_dir = self.root / "previews"
        self.work_dir = build_folder(self.root)
        self.logs_dir = self.root / "logs"
        self.history_file = self.root / "history.json"

    # -- paths -----------------------------------------------------------------------------------

    def release_dir(self, sha: str) -> Path:
        if not SHA.match(sha):
            raise SiteError(f"not a commit id: {sha!r}")
        return self.releases_dir / sha

    def partial_dir(self, sha: str) -> Path:
        return self.release_dir(sha).with_name(sha + PARTIAL)

    def has_release(self, sha: str) -> bool:
        return self.release_dir(sha).is_dir()

    # -- state -----------------------------------------------------------------------------------

    def current(self) -> str | None:
        """The commit whose release is live, or None before the first deploy."""
        try:
            return Path(os.readlink(self.live)).name
        except OSError:
            return None

    def releases(self) -> list[Release]:
        """Finished releases, newest build first."""
        live = self.current()
        found = []
        if self.releases_dir.is_dir():
            for entry in self.releases_dir.iterdir():
                if entry.is_dir() and SHA.match(entry.name):
                    found.append(Release(entry.name, entry.stat().st_mtime, entry.name == live))
        return sorted(found, key=lambda r: (-r.built_at, r.sha))

    def history(self) -> list[str]:
        """Commits in the order they went live (oldest first)."""
        try:
            data = json.loads(self.history_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [s for s in data if isinstance(s, str)] if isinstance(data, list) else []

    # -- changes ---------------------------------------------------------------------------------

    def clean_leftovers(self) -> list[Path]:
        """Remove ``.partial`` builds and work directories a killed process left behind."""
        removed: list[Path] = []
        if self.releases_dir.is_dir():
            removed += [p for p in self.releases_dir.iterdir() if p.name.endswith(PARTIAL)]
        if self.work_dir.is_dir():
            removed += list(self.work_dir.iterdir())
        previews = self.previews_dir / "builds"
        if previews.is_dir():
            removed += [p for p in previews.iterdir() if p.name.endswith(PARTIAL)]
        for path in removed:
            shutil.rmtree(path, ignore_errors=True)
        return removed

    def commit_partial(self, sha: str) -> Path:
        """Turn a finished ``<sha>.partial`` into the release ``<sha>`` (replacing an older copy)."""
        final, partial = self.release_dir(sha), self.partial_dir(sha)
        if final.exists() and self.current() != sha:
            shutil.rmtree(final)
        if final.exists():
            shutil.rmtree(partial)  # the same commit is live already: keep serving that copy
        else:
            partial.rename(final)
        os.utime(final)
        return final

    def activate(self, sha: str) -> None:
        """Make the release of *sha* live (atomic), remember it, and prune old releases."""
        if not self.has_release(sha):
            raise SiteError(f"no release for {sha} in {self.releases_dir}")
        swap_symlink(self.live, os.path.join("releases", sha))
        history = [s for s in self.history() if s != sha] + [sha]
        write_atomic(self.history_file, json.dumps(history[-50:]))
        self.prune()

    def prune(self) -> None:
        """Keep the newest ``keep`` releases (and always the live one)."""
        live = self.current()
        kept = 0
        for release in self.releases():
            if release.sha == live or kept < self.keep:
                kept += release.sha != live
                continue
            shutil.rmtree(self.release_dir(release.sha), ignore_errors=True)

    def rollback(self, sha: str | None = None) -> str:
        """Make *sha* (or the release live before the current one) live again; return its sha."""
        live = self.current()
        sha = self._previous(live) if sha is None else self._expand(sha)
        os.utime(self.release_dir(sha))  # a rolled-back-to release is the newest to keep
        self.activate(sha)
        return sha

    def _previous(self, live: str | None) -> str:
        for candidate in reversed(self.history()):
            if candidate != live and self.has_release(candidate):
                return candidate
        others = [r.sha for r in self.releases() if r.sha != live]
        if not others:
            raise SiteError("there is no earlier release to roll back to")
        return others[0]

    def _expand(self, prefix: str) -> str:
        prefix = prefix.strip().lower()
        matches = [r.sha for r in self.releases() if r.sha.startswith(prefix)] if prefix else []
        if len(matches) != 1:
            known = ", ".join(r.sha[:12] for r in self.releases()) or "none"
            what = "is ambiguous" if matches else "matches no release"
            raise SiteError(f"{prefix!r} {what} (releases: {known})")
        return matches[0]
