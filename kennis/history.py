"""The history index: created/last-modified dates and authors of every page, from one git log pass.

Manifest JSON (``HistoryIndex.to_json``, written by ``kennis index --out``), version 1::

    {
      "version": 1,                      # bumped on any incompatible change
      "head": "<commit SHA the index was built at>",   # "" for a repository without commits
      "content_dir": "content",
      "pages": {                         # keyed by repo-relative POSIX path, sorted
        "content/kitchen/close.md": {
          "created": "2024-03-01T09:30:00+01:00",        # author date (ISO 8601, author's offset)
          "last_modified": "2025-06-02T16:05:11+02:00",  # of the newest commit that counts
          "last_author": {"name": "Alice Example", "email": "alice@example.com"},
          "authors": [{"name": ..., "email": ...}],     # commit authors, first contribution first
          "coauthors": [{"name": ..., "email": ...}],   # Co-authored-by trailers, same order
          "commits": 7,                  # commits that touched it (ignored revisions excluded)
          "previous_paths": ["content/kitchen/closing.md"]   # newest first
        }
      }
    }

Names and e-mails are canonical (``.mailmap`` applied, also to trailers). Ignored revisions count
for nothing but the page's existence; a page whose every commit is ignored has ``commits: 0``, no
authors, and last_modified/last_author from its creating commit. More: benchmarks/README.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import git

from kennis import gitlog
from kennis.errors import KennisError, Problem
from kennis.files import write_atomic
from kennis.gitlog import LogCommit, read_ignore_revs

MANIFEST_VERSION = 1
_RENAMED = ord("R")
_CREATED = frozenset(b"AC")  # added, or copied from another file (only with -C, never here)
_IDENT = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>\s*$")


class ShallowCloneError(KennisError):
    """The repository is a shallow clone, so page dates would be wrong."""


@dataclass(frozen=True, order=True)
class Person:
    """A contributor, as canonicalised by ``.mailmap``."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "email": self.email}


@dataclass(frozen=True)
class Contribution:
    """One person's part in one page: commits they authored or co-authored, and the first one."""

    person: Person
    commits: int
    first: datetime

    def to_json(self) -> dict[str, Any]:
        return {**self.person.to_json(), "commits": self.commits, "first": self.first.isoformat()}


@dataclass(frozen=True)
class PageHistory:
    """What git knows about one page at HEAD, following its renames back in time."""

    path: str
    created: datetime
    last_modified: datetime
    last_author: Person
    authors: tuple[Person, ...]
    coauthors: tuple[Person, ...]
    commits: int
    previous_paths: tuple[str, ...] = ()
    contributions: tuple[Contribution, ...] = ()  # per person, in order of first contribution

    @property
    def contributors(self) -> tuple[Person, ...]:
        """Authors, then co-authors who are not also authors."""
        return self.authors + tuple(p for p in self.coauthors if p not in self.authors)

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created.isoformat(),
            "last_modified": self.last_modified.isoformat(),
            "last_author": self.last_author.to_json(),
            "authors": [p.to_json() for p in self.authors],
            "coauthors": [p.to_json() for p in self.coauthors],
            "commits": self.commits,
            "previous_paths": list(self.previous_paths),
            "contributions": [c.to_json() for c in self.contributions],
        }


@dataclass(frozen=True)
class HistoryIndex:
    """History of every Markdown page under ``content_dir`` at ``head`` (see module docstring)."""

    head: str
    pages: dict[str, PageHistory] = field(default_factory=dict)
    content_dir: str = "content"

    def get(self, path: str) -> PageHistory | None:
        return self.pages.get(path)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": MANIFEST_VERSION,
            "head": self.head,
            "content_dir": self.content_dir,
            "pages": {path: self.pages[path].to_json() for path in sorted(self.pages)},
        }

    @classmethod
    def from_json(cls, data: object) -> HistoryIndex:
        """Rebuild an index from ``to_json`` output; raise ValueError naming the bad field."""
        data = _mapping(data, "the manifest")
        if data.get("version") != MANIFEST_VERSION:
            raise ValueError(
                f"unsupported version {data.get('version')!r} (this kennis reads version "
                f"{MANIFEST_VERSION}; rebuild it with `kennis index --out`)"
            )
        pages = _mapping(data.get("pages"), '"pages"')
        return cls(
            head=_string(data.get("head"), '"head"'),
            pages={path: _page_from_json(path, entry) for path, entry in pages.items()},
            content_dir=_string(data.get("content_dir", "content"), '"content_dir"'),
        )


def _mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a JSON object")
    return value


def _string(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a string")
    return value


def _moment(value: object, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_string(value, where))
    except ValueError:
        raise ValueError(f"{where} must be an ISO 8601 date-time, got {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"{where} must carry a UTC offset, got {value!r}")
    return moment


def _person(value: object, where: str) -> Person:
    data = _mapping(value, where)
    return Person(
        _string(data.get("name"), f"{where}.name"), _string(data.get("email"), f"{where}.email")
    )


def _people(value: object, where: str) -> tuple[Person, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list")
    return tuple(_person(item, f"{where}[{i}]") for i, item in enumerate(value))


def _page_from_json(path: str, value: object) -> PageHistory:
    where = f"pages[{json.dumps(path)}]"
    data = _mapping(value, where)
    commits = data.get("commits")
    if not isinstance(commits, int) or isinstance(commits, bool) or commits < 0:
        raise ValueError(f"{where}.commits must be a whole number ≥ 0")
    previous = data.get("previous_paths", [])
    if not isinstance(previous, list) or not all(isinstance(p, str) for p in previous):
        raise ValueError(f"{where}.previous_paths must be a list of paths")
    return PageHistory(
        path=path,
        created=_moment(data.get("created"), f"{where}.created"),
        last_modified=_moment(data.get("last_modified"), f"{where}.last_modified"),
        last_author=_person(data.get("last_author"), f"{where}.last_author"),
        authors=_people(data.get("authors", []), f"{where}.authors"),
        coauthors=_people(data.get("coauthors", []), f"{where}.coauthors"),
        commits=commits,
        previous_paths=tuple(previous),
        contributions=_contributions(data.get("contributions", []), f"{where}.contributions"),
    )


def _contributions(value: object, where: str) -> tuple[Contribution, ...]:
    """Optional (manifests written before it existed lack it): per-person commits and first date."""
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list")
    result = []
    for i, item in enumerate(value):
        entry = _mapping(item, f"{where}[{i}]")
        commits = entry.get("commits")
        if not isinstance(commits, int) or isinstance(commits, bool) or commits < 0:
            raise ValueError(f"{where}[{i}].commits must be a whole number")
        first = _moment(entry.get("first"), f"{where}[{i}].first")
        result.append(Contribution(_person(entry, f"{where}[{i}]"), commits, first))
    return tuple(result)


# -- building --------------------------------------------------------------------------------


_Ident = tuple[bytes, bytes]  # (name, email) as git printed them, .mailmap already applied


class _Tally:
    """Mutable per-page accumulator while walking history newest-first; raw bytes until the end."""

    __slots__ = ("authors", "coauthors", "commits", "created", "last", "previous", "sha")

    def __init__(self) -> None:
        self.sha = b""
        self.created: tuple[bytes, _Ident] | None = None  # oldest commit seen: date, author
        self.last: tuple[bytes, _Ident] | None = None  # newest commit that counts
        self.commits = 0
        # author ident (or raw trailer value, for co-authors) -> [walk position of their oldest
        # commit, their commits, date of their oldest commit]: newest-first, the last seen wins
        self.authors: dict[_Ident, list[Any]] = {}
        self.coauthors: dict[bytes, list[Any]] = {}
        self.previous: list[bytes] = []

    def touch(self, commit: LogCommit, seq: int, counted: bool) -> None:
        if commit.sha == self.sha:
            return  # one commit touching two historical paths of the page counts once
        self.sha = commit.sha
        ident = (commit.name, commit.email)
        self.created = (commit.date, ident)
        if not counted:
            return
        if self.last is None:
            self.last = self.created
        self.commits += 1
        entry = self.authors.get(ident)  # inlined: this runs for every page of every commit
        if entry is None:
            self.authors[ident] = [seq, 1, commit.date]
        else:
            entry[0] = seq
            entry[1] += 1
            entry[2] = commit.date
        if commit.trailers:
            for raw in commit.trailers.split(b"\x1f"):
                key = raw.strip()
                found = self.coauthors.get(key)
                if found is None:
                    self.coauthors[key] = [seq, 1, commit.date]
                else:
                    found[0], found[1], found[2] = seq, found[1] + 1, commit.date


def _open_repo(repo_root: Path) -> git.Repo:
    try:
        return git.Repo(repo_root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise KennisError(f"{repo_root}: not a git repository") from None


def _check_not_shallow(repo: git.Repo) -> None:
    if gitlog.is_shallow(repo):
        raise ShallowCloneError(
            f"{repo.working_dir}: this is a shallow clone, so git history is incomplete and page "
            "dates would be wrong. Fetch the full history: in GitHub Actions set `fetch-depth: 0` "
            "on actions/checkout, or run `git fetch --unshallow`. Or pass a manifest written by "
            "`kennis index --out FILE` on a full clone (`--manifest FILE`)."
        )


def _walk(
    repo: git.Repo,
    pages: list[bytes],
    ignored: frozenset[bytes],
    env: Mapping[str, str] | None,
    rev: str = "HEAD",
) -> dict[bytes, _Tally]:
    """Walk history newest-first; map every historical path of a HEAD page to its tally."""
    tallies = {p: _Tally() for p in pages}
    if not tallies:
        return tallies
    alias = dict(tallies)  # historical path -> tally of the page it became at HEAD
    with gitlog.GitLogStream(repo, [rev, "--"], env=env) as commits:
        for seq, commit in enumerate(commits):
            counted = commit.sha not in ignored
            for status, path, old_path in commit.changes:
                if status == _RENAMED and old_path is not None:
                    tally = alias.pop(path, None)
                    if tally is not None:
                        alias[old_path] = tally
                        tally.previous.append(old_path)
                elif status in _CREATED:
                    tally = alias.pop(path, None)  # older commits on this path: another file
                else:
                    tally = alias.get(path)
                if tally is not None:
                    tally.touch(commit, seq, counted)
            if not alias:
                # Every page has reached the commit that added it, and only the alias map leads
                # from a path to a page: no older commit can change any answer.
                break
    return tallies


def _parse_ident(raw: str) -> Person:
    match = _IDENT.match(raw)
    if match is None:
        return Person(raw.strip(), "")
    return Person(match["name"], match["email"])


def _canonical_coauthors(
    repo: git.Repo, raws: Iterable[bytes], env: Mapping[str, str] | None = None
) -> dict[bytes, Person]:
    """Map trailer values through ``.mailmap`` with ONE ``git check-mailmap --stdin`` call."""
    people = {raw: _parse_ident(_text(raw)) for raw in raws}
    # check-mailmap needs "Name <email>" (git < 2.47 rejects a bare "<email>").
    mappable = [raw for raw, person in people.items() if person.name and person.email]
    if mappable:
        out = gitlog.check_mailmap(repo, [str(people[raw]) for raw in mappable], env)
        for raw, line in zip(mappable, out, strict=True):
            people[raw] = _parse_ident(line)
    return people


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


class _Finisher:
    """Turns tallies into PageHistory, decoding each person and date once."""

    def __init__(self, coauthors: Mapping[bytes, Person]) -> None:
        self.coauthors = coauthors
        self.people: dict[_Ident, Person] = {}
        self.moments: dict[bytes, datetime] = {}  # bulk imports give many pages one date

    def moment(self, raw: bytes) -> datetime:
        moment = self.moments.get(raw)
        if moment is None:
            moment = self.moments[raw] = datetime.fromisoformat(raw.decode("ascii"))
        return moment

    def person(self, ident: _Ident) -> Person:
        person = self.people.get(ident)
        if person is None:
            person = self.people[ident] = Person(_text(ident[0]), _text(ident[1]))
        return person

    def page(self, path: bytes, tally: _Tally) -> PageHistory:
        assert tally.created is not None
        created = self.moment(tally.created[0])
        last_date, last_ident = tally.last or tally.created
        # (person, [walk position of their oldest commit, commits, oldest date]) for everyone
        authors = [(self.person(k), v) for k, v in tally.authors.items()]
        coauthors = [(self.coauthors[k], v) for k, v in tally.coauthors.items()]
        if len(authors) > 1:
            authors.sort(key=lambda item: -item[1][0])
        if len(coauthors) > 1:
            coauthors.sort(key=lambda item: -item[1][0])
        return PageHistory(
            path=path.decode("utf-8", "surrogateescape"),
            created=created,
            last_modified=self.moment(last_date),
            last_author=self.person(last_ident),
            authors=tuple(person for person, _ in authors),
            coauthors=tuple(dict.fromkeys(person for person, _ in coauthors)),
            commits=tally.commits,
            previous_paths=tuple(p.decode("utf-8", "surrogateescape") for p in tally.previous),
            contributions=self.contributions(authors + coauthors),
        )

    def contributions(self, people: list[tuple[Person, list[Any]]]) -> tuple[Contribution, ...]:
        """Per person (authors and co-authors merged after .mailmap): commits and first date."""
        if len(people) == 1:  # most pages: one author, no trailers
            person, (_seq, commits, day) = people[0]
            return (Contribution(person, commits, self.moment(day)),)
        merged: dict[Person, list[Any]] = {}
        for person, (_seq, commits, day) in people:
            moment = self.moment(day)
            entry = merged.get(person)
            if entry is None:
                merged[person] = [commits, moment]
            else:
                entry[0] += commits
                entry[1] = min(entry[1], moment)
        ordered = sorted(merged.items(), key=lambda item: (item[1][1], item[0]))
        return tuple(Contribution(person, n, first) for person, (n, first) in ordered)


def build_index(
    repo_root: Path,
    content_dir: str = "content",
    ignore_revs: Path | None = None,
    env: Mapping[str, str] | None = None,
    rev: str = "HEAD",
) -> HistoryIndex:
    """Index every ``*.md`` page under ``content_dir`` at ``rev`` with ONE streaming git log pass.

    ``env`` is the environment for git (the App's blobless mirror passes its credentials, so
    rename detection can fetch old file versions); default: this process's environment.
    ``rev`` is the commit to index (the App indexes a pull request's base commit).

    Raises ShallowCloneError on a shallow clone and KennisError for a bad ignore-revs file or a
    path that is not a git repository. A repository without commits gives an empty index.
    """
    ignored = read_ignore_revs(ignore_revs) if ignore_revs is not None else frozenset()
    ignored_shas = frozenset(sha.encode("ascii") for sha in ignored)
    repo = _open_repo(Path(repo_root))
    content_dir = content_dir.strip("/") or "."
    if rev == "HEAD" and not repo.head.is_valid():
        return HistoryIndex(head="", pages={}, content_dir=content_dir)
    _check_not_shallow(repo)
    try:
        head = repo.commit(rev).hexsha
    except (ValueError, git.BadName) as exc:
        raise KennisError(f"{repo_root}: no commit {rev!r}") from exc
    tallies = _walk(repo, gitlog.head_markdown(repo, content_dir, head), ignored_shas, env, head)
    raws = {raw for tally in tallies.values() for raw in tally.coauthors}
    finisher = _Finisher(_canonical_coauthors(repo, raws, env))
    pages = {}
    for path, tally in tallies.items():
        if tally.created is not None:  # a HEAD path no commit touched cannot happen; be safe
            page = finisher.page(path, tally)
            pages[page.path] = page
    return HistoryIndex(head=head, pages=pages, content_dir=content_dir)


# -- manifest files --------------------------------------------------------------------------


def write_manifest(index: HistoryIndex, path: Path) -> None:
    """Write ``index`` as pretty JSON atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(index.to_json(), indent=2, ensure_ascii=False) + "\n")


def load_manifest(path: Path) -> HistoryIndex:
    """Read a manifest written by ``write_manifest``; KennisError with ``path:line:col`` if bad."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KennisError(
            f"{path}: manifest not found (write one with `kennis index --out`)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise KennisError(f"{path}: cannot read manifest: {error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problem = Problem(str(path), error.lineno, error.colno, f"not valid JSON: {error.msg}")
        raise KennisError(problem) from None
    try:
        return HistoryIndex.from_json(data)
    except ValueError as error:
        raise KennisError(
            Problem(str(path), 1, 1, f"not a kennis history manifest: {error}")
        ) from None
