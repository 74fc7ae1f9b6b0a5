"""The history index cached at the commit it was built for, and merging newer history into it.

A cache file holds one ``HistoryIndex`` (one line per page, `kennis.history_store`) plus a
fingerprint of what else decides the answer: the content folder, the ignored revisions and
``.mailmap``. A changed fingerprint, a damaged file or another version means no cache (a full
pass rebuilds it).
"""

from __future__ import annotations

import contextlib
import hashlib
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from kennis import gitlog, history_store
from kennis.errors import KennisError
from kennis.files import write_atomic
from kennis.history import Contribution, HistoryIndex, PageHistory, Person
from kennis.repository import Repository

#: The cache folder inside a repository's git directory (``actions/cache`` can keep it: ``.git/kennis``).
CACHE_FOLDER = "kennis"


def default_path(git_dir: Path, content_dir: str) -> Path:
    """Where a repository (or the App's mirror) keeps its cache: one file per content folder."""
    digest = hashlib.sha256(content_dir.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return Path(git_dir) / CACHE_FOLDER / f"history-{digest}.cache"


def fingerprint(content_dir: str, ignored: frozenset[bytes], mailmap: bytes | None) -> str:
    """What besides the commits decides the index: a change invalidates the cache."""
    digest = hashlib.sha256()
    digest.update(content_dir.encode("utf-8", "surrogateescape") + b"\0")
    for sha in sorted(ignored):
        digest.update(sha + b"\n")
    digest.update(b"\0mailmap\0" + (mailmap if mailmap is not None else b"\xff"))
    return digest.hexdigest()


class _Recent:
    """The last indexes this process built, by cache file.

    A long-running App or ``mkdocs serve`` updates the one in memory instead of reading and
    rewriting the file every time.
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self.items: OrderedDict[Path, tuple[str, HistoryIndex]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, path: Path, key: str) -> HistoryIndex | None:
        with self.lock:
            found = self.items.get(path)
            if found is None or found[0] != key:
                return None
            self.items.move_to_end(path)
            return found[1]

    def put(self, path: Path, key: str, index: HistoryIndex) -> None:
        with self.lock:
            self.items[path] = (key, index)
            self.items.move_to_end(path)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_RECENT = _Recent()


def forget() -> None:
    """Drop the indexes this process remembers (the next build reads the file, as at start)."""
    with _RECENT.lock:
        _RECENT.items.clear()


def load(
    path: Path, key: str, rebuild: Callable[[str], history_store.Rebuild] | None = None
) -> tuple[HistoryIndex | None, bool]:
    """The cached index and whether it came from the file (not this process's memory).

    None when there is none, it is damaged or its fingerprint differs. The file's pages are
    decoded as they are read (`kennis.history_store`); ``rebuild(head)`` gives them all (a full
    pass at the cached commit) should one row not decode.
    """
    path = Path(path).absolute()
    remembered = _RECENT.get(path, key)
    if remembered is not None:
        return remembered, False
    try:
        found, index = history_store.read(path.read_bytes(), rebuild)
    except (OSError, *history_store.BAD):
        return None, True  # a cache is only ever a shortcut: anything odd means a full pass
    if found != key:
        return None, True
    _RECENT.put(path, key, index)
    return index, True


def save(
    path: Path,
    index: HistoryIndex,
    key: str,
    *,
    to_file: bool = True,
    rows: history_store.NewRows | None = None,
) -> None:
    """Remember the index; write the file atomically (a folder we may not write: no file).

    ``rows``: the rows a full pass encoded as it finished the pages (the others are encoded now).
    """
    path = Path(path).absolute()
    _RECENT.put(path, key, index)
    if not to_file:
        return
    with contextlib.suppress(OSError):
        write_atomic(path, history_store.write(index, key, rows))


def merge_page(newer: PageHistory, older: PageHistory, newer_counted: bool) -> PageHistory:
    """One page's history: ``older`` up to the cached commit, ``newer`` from there to HEAD.

    ``newer`` was built from the new commits alone (so its ``created`` is meaningless);
    ``newer_counted`` says whether any of them counts as an edit (not an ignored revision).
    """
    last = (
        (newer.last_modified, newer.last_author)
        if newer_counted
        else (older.last_modified, older.last_author)
    )
    return PageHistory(
        path=newer.path,
        created=older.created,
        last_modified=last[0],
        last_author=last[1],
        authors=older.authors + tuple(p for p in newer.authors if p not in older.authors),
        coauthors=tuple(dict.fromkeys(older.coauthors + newer.coauthors)),
        commits=older.commits + newer.commits,
        previous_paths=newer.previous_paths + older.previous_paths,
        contributions=_merge_contributions(older.contributions + newer.contributions),
        credits=newer.credits + older.credits,
    )


def renamed(page: PageHistory, path: str) -> PageHistory:
    """An untouched cached page under its (same) HEAD path."""
    return page if page.path == path else page._replace(path=path)


def _merge_contributions(items: tuple[Contribution, ...]) -> tuple[Contribution, ...]:
    """Per person: commits added up, the earliest first date; ordered as a full pass orders them."""
    counts: dict[Person, int] = {}
    firsts: dict[Person, datetime] = {}
    for item in items:
        counts[item.person] = counts.get(item.person, 0) + item.commits
        firsts[item.person] = min(firsts.get(item.person, item.first), item.first)
    ordered = sorted(counts, key=lambda person: (firsts[person], person))
    return tuple(Contribution(person, counts[person], firsts[person]) for person in ordered)


def newer_commits(repo: Repository, cached: str, head: str) -> frozenset[bytes] | None:
    """Commits in ``cached..head`` when ``cached`` is their only boundary, else None."""
    found = repo.run("rev-list", "--boundary", f"{cached}..{head}")
    if found.returncode != 0:
        return None  # the cached commit is gone (a force push, a gc)
    listed: set[bytes] = set()
    boundary: set[bytes] = set()
    for line in found.stdout.split():
        (boundary if line.startswith(b"-") else listed).add(line.lstrip(b"-"))
    if boundary != {cached.encode("ascii")}:
        return None  # not an ancestor, or a branch from before the cached commit merged since
    return frozenset(listed)


def is_ancestor(repo: Repository, older: str, newer: str) -> bool:
    """Whether ``older`` is ``newer`` or one of its ancestors."""
    return repo.run("merge-base", "--is-ancestor", older, newer).returncode == 0


def mailmap(repo: Repository, env: Mapping[str, str] | None = None) -> bytes | None:
    """The ``.mailmap`` git log applies: the work tree's file, or HEAD's in a bare mirror.

    ``env`` is git's environment: the App's blobless mirror fetches the blob with it.
    """
    if repo.work_tree is not None:
        try:
            return (repo.work_tree / ".mailmap").read_bytes()
        except OSError:
            return None
    found = repo.run("cat-file", "blob", "HEAD:.mailmap", env=env)
    return found.stdout if found.returncode == 0 else None


def touched_paths(repo: Repository, cached: str, head: str) -> set[bytes]:
    """Every path a commit in ``cached..head`` added, changed or removed (as git log lists them)."""
    found = repo.run(
        "log", "--name-only", "--no-renames", "-z", "--format=", f"{cached}..{head}", "--"
    )
    if found.returncode != 0:
        raise KennisError(
            f"git log {cached}..{head} failed: {found.stderr.decode('utf-8', 'replace').strip()}"
        )
    return {path.strip(b"\n") for path in found.stdout.split(b"\0") if path.strip(b"\n")}


def tree_changes(
    repo: Repository, cached: str, head: str, content_dir: str
) -> tuple[set[bytes], set[bytes]]:
    """Markdown paths under ``content_dir`` that ``head`` has and ``cached`` has not, and back.

    One tree diff: with the cached pages it gives the pages at ``head`` without listing its tree.
    """
    command = [gitlog.git_executable(repo), "-C", str(gitlog.run_dir(repo)), "diff-tree", "-r"]
    command += ["-z", "--no-renames", "--name-status", cached, head, "--", content_dir]
    out = subprocess.run(command, capture_output=True, check=True).stdout.split(b"\0")
    added: set[bytes] = set()
    removed: set[bytes] = set()
    for status, path in zip(out[0::2], out[1::2], strict=False):
        if path.endswith(b".md"):
            if status == b"A":
                added.add(path)
            elif status == b"D":
                removed.add(path)
    return added, removed
