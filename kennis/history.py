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
          "previous_paths": ["content/kitchen/closing.md"],  # newest first
          "credits": [{"kind": "confirmed", "name": ..., "email": ..., "when": ...}]
                                         # from Confirmed-by/Archived-by/... trailers, newest first
        }
      },
      "translations": {                  # optional: pages named page.<lang>.md with translation_of
        "content/kitchen/close.nl.md": {
          "source": "content/kitchen/close.md",
          "revision": "<translation_of as written>",
          "found": true,                 # a blob the source had, or a commit holding the source
          "changed_since": "2025-07-01T10:00:00+02:00"   # first source change after it, or null
        }
      }
    }

Commits by bots (the App, ``[bot]`` accounts, the ``bots:`` config list) count as no edit, like
ignored revisions; their trailers still credit the person who confirmed or decided. Names and
e-mails are canonical (``.mailmap`` applied, also to trailers). Ignored revisions count
for nothing but the page's existence; a page whose every commit is ignored has ``commits: 0``, no
authors, and last_modified/last_author from its creating commit. Built by
``kennis.history_build``; more: benchmarks/README.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kennis.errors import KennisError, Problem
from kennis.files import write_atomic_chunks
from kennis.translations import TranslationHistory

if TYPE_CHECKING:
    from kennis.history_lines import ManifestLines

MANIFEST_VERSION = 1
#: A string as JSON, non-ASCII kept (``json.dumps(text, ensure_ascii=False)``, in C).
string_json: Callable[[str], str] = json.encoder.encode_basestring


class Person(NamedTuple):
    """A contributor, as canonicalised by ``.mailmap``.

    Named tuples, as `Contribution` and `Credit`: hashed and compared in C, made without a
    setattr per field. A page's people are keyed and looked up once per contribution, tens of
    thousands of times a build.
    """

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "email": self.email}


class Contribution(NamedTuple):
    """One person's part in one page: commits they authored or co-authored, and the first one."""

    person: Person
    commits: int
    first: datetime

    def to_json(self) -> dict[str, Any]:
        return {**self.person.to_json(), "commits": self.commits, "first": self.first.isoformat()}


class Credit(NamedTuple):
    """Upkeep someone did through the App: a trailer (``Confirmed-by:``…) on the App's commit."""

    kind: str  # "confirmed" | "archived" | "handed_over" | "snoozed"
    person: Person
    when: datetime

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.person.to_json(), "when": self.when.isoformat()}


class PageHistory(NamedTuple):
    """What git knows about one page at HEAD, following its renames back in time.

    A named tuple too: made by one call that fills a tuple, where a frozen dataclass sets its
    ten fields one by one (a full pass makes one per page; a cached index one per page it reads).
    """

    path: str
    created: datetime
    last_modified: datetime
    last_author: Person
    authors: tuple[Person, ...]
    coauthors: tuple[Person, ...]
    commits: int
    previous_paths: tuple[str, ...] = ()
    contributions: tuple[Contribution, ...] = ()  # per person, in order of first contribution
    credits: tuple[Credit, ...] = ()  # confirmations and owner decisions, newest first

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
            "credits": [c.to_json() for c in self.credits],
        }


@dataclass(frozen=True)
class HistoryIndex:
    """History of every Markdown page under ``content_dir`` at ``head`` (see module docstring)."""

    head: str
    pages: Mapping[str, PageHistory] = field(default_factory=dict)
    content_dir: str = "content"
    # per translation: whether its source changed after translation_of (kennis.translation_history)
    translations: Mapping[str, TranslationHistory] = field(default_factory=dict)

    def get(self, path: str) -> PageHistory | None:
        return self.pages.get(path)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": MANIFEST_VERSION,
            "head": self.head,
            "content_dir": self.content_dir,
            "pages": {path: self.pages[path].to_json() for path in sorted(self.pages)},
            **self._translations_json(),
        }

    def _translations_json(self) -> dict[str, Any]:
        if not self.translations:
            return {}
        found = self.translations
        return {"translations": {path: found[path].to_json() for path in sorted(found)}}

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
        translations = _mapping(data.get("translations", {}), '"translations"')
        return cls(
            head=_string(data.get("head"), '"head"'),
            pages={path: _page_from_json(path, entry) for path, entry in pages.items()},
            content_dir=_string(data.get("content_dir", "content"), '"content_dir"'),
            translations={
                path: TranslationHistory.from_json(path, entry)
                for path, entry in translations.items()
            },
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
        credits=_credits(data.get("credits", []), f"{where}.credits"),
    )


def _credits(value: object, where: str) -> tuple[Credit, ...]:
    """Optional (manifests written before it existed lack it): confirmations and decisions."""
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list")
    result = []
    for i, item in enumerate(value):
        entry = _mapping(item, f"{where}[{i}]")
        kind = _string(entry.get("kind"), f"{where}[{i}].kind")
        when = _moment(entry.get("when"), f"{where}[{i}].when")
        result.append(Credit(kind, _person(entry, f"{where}[{i}]"), when))
    return tuple(result)


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


# -- manifest files --------------------------------------------------------------------------


def write_manifest(index: HistoryIndex, path: Path, lines: ManifestLines | None = None) -> None:
    """Write ``index`` as JSON atomically (temp file in the same folder, then rename), 0644.

    Streamed one page at a time (``manifest_chunks``): never the whole text in memory.
    """
    write_atomic_chunks(Path(path), manifest_chunks(index, lines))


def manifest_chunks(index: HistoryIndex, lines: ManifestLines | None = None) -> Iterator[str]:
    """The manifest's text in pieces: the header indented, then one line per page.

    One line per page keeps the file readable and its diffs small, and lets the C JSON encoder
    write each page (pretty-printing runs in pure Python, about 10× slower). ``lines``: pages
    already encoded (as a full pass finished them).
    """
    head = {"version": MANIFEST_VERSION, "head": index.head, "content_dir": index.content_dir}
    yield json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "pages": {'
    separator = "\n    "
    if lines is None:
        from kennis.history_lines import ManifestLines  # it imports this module

        lines = ManifestLines()
    page = lines.line
    for path in sorted(index.pages):
        yield f"{separator}{string_json(path)}: {page(index.pages[path])}"
        separator = ",\n    "
    closing = "\n  }" if index.pages else "}"
    if index.translations:
        found = {path: index.translations[path].to_json() for path in sorted(index.translations)}
        closing += ',\n  "translations": ' + json.dumps(found, ensure_ascii=False)
    yield closing + "\n}\n"


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
