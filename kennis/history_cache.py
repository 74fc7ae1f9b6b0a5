"""The history index cached at the commit it was built for, and merging newer history into it.

A cache file holds one ``HistoryIndex`` (the manifest's JSON) plus a fingerprint of what else
decides the answer: the content folder, the ignored revisions and ``.mailmap``. A changed
fingerprint, an unreadable file or another version means no cache (a full pass rebuilds it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import git

from kennis.files import write_atomic
from kennis.history import Contribution, Credit, HistoryIndex, PageHistory, Person

CACHE_VERSION = 2
#: The cache folder inside a repository's git directory (``actions/cache`` can keep it: ``.git/kennis``).
CACHE_FOLDER = "kennis"


def default_path(git_dir: Path, content_dir: str) -> Path:
    """Where a repository (or the App's mirror) keeps its cache: one file per content folder."""
    digest = hashlib.sha256(content_dir.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return Path(git_dir) / CACHE_FOLDER / f"history-{digest}.json"


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


def load(path: Path, key: str) -> tuple[HistoryIndex | None, bool]:
    """The cached index and whether it came from the file (not this process's memory).

    None when there is none, it is damaged or its fingerprint differs.
    """
    path = Path(path).absolute()
    remembered = _RECENT.get(path, key)
    if remembered is not None:
        return remembered, False
    try:
        data = json.loads(path.read_bytes())
        if data.get("cache_version") != CACHE_VERSION or data.get("fingerprint") != key:
            return None, True
        index = decode(data["index"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return None, True  # a cache is only ever a shortcut: anything odd means a full pass
    _RECENT.put(path, key, index)
    return index, True


def save(path: Path, index: HistoryIndex, key: str, *, to_file: bool = True) -> None:
    """Remember the index; write the file atomically (a folder we may not write: no file)."""
    path = Path(path).absolute()
    _RECENT.put(path, key, index)
    if not to_file:
        return
    data = {"cache_version": CACHE_VERSION, "fingerprint": key, "index": encode(index)}
    with contextlib.suppress(OSError):
        write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def encode(index: HistoryIndex) -> dict[str, Any]:
    """A compact form: people and dates once each, pages as rows of their positions."""
    # Keyed by identity: the builder shares one object per person and per date, and hashing
    # frozen dataclasses 300,000 times would cost more than the rest (a duplicate row is fine).
    people: list[Person] = []
    dates: list[datetime] = []
    seen: dict[int, int] = {}

    def who(person: Person) -> int:
        found = seen.get(id(person))
        if found is None:
            found = seen[id(person)] = len(people)
            people.append(person)
        return found

    def when(moment: datetime) -> int:
        found = seen.get(id(moment))
        if found is None:
            found = seen[id(moment)] = len(dates)
            dates.append(moment)
        return found

    rows = [
        [
            page.path,
            when(page.created),
            when(page.last_modified),
            who(page.last_author),
            [who(p) for p in page.authors],
            [who(p) for p in page.coauthors],
            page.commits,
            list(page.previous_paths),
            [[who(c.person), c.commits, when(c.first)] for c in page.contributions],
            [[c.kind, who(c.person), when(c.when)] for c in page.credits],
        ]
        for page in index.pages.values()
    ]
    return {
        "head": index.head,
        "content_dir": index.content_dir,
        "people": [[p.name, p.email] for p in people],
        "dates": [d.isoformat() for d in dates],
        "pages": rows,
    }


def decode(data: dict[str, Any]) -> HistoryIndex:
    """The index from `encode`'s form (every person and date decoded once)."""
    people = [Person(str(name), str(email)) for name, email in data["people"]]
    dates = [datetime.fromisoformat(text) for text in data["dates"]]
    pages = {}
    for row in data["pages"]:
        path, created, modified, last, authors, coauthors, commits, before, parts, done = row
        pages[path] = PageHistory(
            path=path,
            created=dates[created],
            last_modified=dates[modified],
            last_author=people[last],
            authors=tuple(people[i] for i in authors),
            coauthors=tuple(people[i] for i in coauthors),
            commits=int(commits),
            previous_paths=tuple(before),
            contributions=tuple(Contribution(people[i], int(n), dates[d]) for i, n, d in parts),
            credits=tuple(Credit(str(kind), people[i], dates[d]) for kind, i, d in done),
        )
    return HistoryIndex(str(data["head"]), pages, str(data["content_dir"]))


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
    return page if page.path == path else replace(page, path=path)


def _merge_contributions(items: tuple[Contribution, ...]) -> tuple[Contribution, ...]:
    """Per person: commits added up, the earliest first date; ordered as a full pass orders them."""
    counts: dict[Person, int] = {}
    firsts: dict[Person, datetime] = {}
    for item in items:
        counts[item.person] = counts.get(item.person, 0) + item.commits
        firsts[item.person] = min(firsts.get(item.person, item.first), item.first)
    ordered = sorted(counts, key=lambda person: (firsts[person], person))
    return tuple(Contribution(person, counts[person], firsts[person]) for person in ordered)


def newer_commits(repo: git.Repo, cached: str, head: str) -> frozenset[bytes] | None:
    """Commits in ``cached..head`` when ``cached`` is their only boundary, else None."""
    try:
        out = repo.git.rev_list("--boundary", f"{cached}..{head}")
    except git.GitCommandError:
        return None  # the cached commit is gone (a force push, a gc)
    listed: set[str] = set()
    boundary: set[str] = set()
    for line in out.split():
        (boundary if line.startswith("-") else listed).add(line.lstrip("-"))
    if boundary != {cached}:
        return None  # not an ancestor, or a branch from before the cached commit merged since
    return frozenset(sha.encode("ascii") for sha in listed)


def is_ancestor(repo: git.Repo, older: str, newer: str) -> bool:
    """Whether ``older`` is ``newer`` or one of its ancestors."""
    try:
        repo.git.merge_base("--is-ancestor", older, newer)
    except git.GitCommandError:
        return False
    return True


def mailmap(repo: git.Repo, env: Mapping[str, str] | None = None) -> bytes | None:
    """The ``.mailmap`` git log applies: the work tree's file, or HEAD's in a bare mirror.

    ``env`` is git's environment: the App's blobless mirror fetches the blob with it.
    """
    if repo.working_tree_dir:
        try:
            return (Path(repo.working_tree_dir) / ".mailmap").read_bytes()
        except OSError:
            return None
    try:
        out = repo.git.cat_file(
            "blob", "HEAD:.mailmap", stdout_as_string=False, env=dict(env) if env else None
        )
        return bytes(out)
    except git.GitCommandError:
        return None


def touched_paths(repo: git.Repo, cached: str, head: str) -> set[bytes]:
    """Every path a commit in ``cached..head`` added, changed or removed (as git log lists them)."""
    out = repo.git.log(
        "--name-only",
        "--no-renames",
        "-z",
        "--format=",
        f"{cached}..{head}",
        "--",
        stdout_as_string=False,
    )
    return {path.strip(b"\n") for path in bytes(out).split(b"\0") if path.strip(b"\n")}
