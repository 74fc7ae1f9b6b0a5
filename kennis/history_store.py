"""The history cache file: one line per page, decoded only when that page is read.

Layout (version 5), UTF-8 text, every line JSON except the first::

    kennis-history-cache 5
    {"fingerprint": ..., "head": ..., "content_dir": ..., "people": [[name, email], ...],
     "dates": ["2024-03-01T09:30:00+01:00", ...], "count": N, "digest": "<blake2b of the rest>"}
    ["content/a.md", "content/b.md", ...]                      # the N paths
    [created, modified, last_author, "authors", "coauthors", commits, [previous_paths],
     "contributions", [[kind, person, when], ...]]   # N rows, people and dates as positions
                                                     # in the tables

The lists of numbers (authors, co-authors, and each contribution's person, commits and first
date) are packed: unsigned 32-bit integers, little-endian, in base64. A long history holds tens
of thousands of them, and JSON's parser made each one from a substring (~1,500 instructions a
number, three quarters of a warm build's reading of the cache, issue 19); unpacked, they are one
C call a row.

Loading reads the file, checks the digest (a truncated or damaged file is no cache) and keeps
the rows as bytes: a new process that updates the index after a few commits decodes only the
pages those commits touched, and writes the untouched rows back as they were. No pickle, no
marshal: a cache restored by ``actions/cache`` is data, never code. A row that still fails to
decode (a file made to pass the digest) gives the full pass's page instead, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
from array import array
from binascii import a2b_base64, b2a_base64
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from kennis.history import Contribution, Credit, HistoryIndex, PageHistory, Person, string_json
from kennis.history_lines import CREDIT, LINE, PART, ManifestLines

# 4: credit trailers count only on bot commits (older files may hold forged ones); 5: packed lists
VERSION = 5
MAGIC = f"kennis-history-cache {VERSION}".encode("ascii")
_DUMP = json.JSONEncoder(separators=(",", ":")).encode  # ASCII: any path survives the trip
_LOAD = json.JSONDecoder().decode
_ASCII: Callable[[str], str] = json.encoder.encode_basestring_ascii  # a string as _DUMP writes it


# encode_row's text (as _DUMP writes it) around a row's pieces: f-strings, which are compiled
# once, where a str.format template is parsed again at every call.
def _row(*pieces: str | int) -> str:
    created, modified, last, authors, coauthors, commits, before, parts, credits = pieces
    return (
        f'[{created},{modified},{last},"{authors}","{coauthors}",{commits:d},[{before}],'
        f'"{parts}",[{credits}]]'
    )


#: The array type of the packed lists: 4 bytes an item on every platform Python runs on.
_U32 = next(code for code in "IL" if array(code).itemsize == 4)
_SWAP = sys.byteorder == "big"  # the file is little-endian everywhere


def pack(numbers: list[int]) -> str:
    """Unsigned 32-bit integers as base64 text (OverflowError for one out of range)."""
    found = array(_U32, numbers)
    if _SWAP:  # pragma: no cover - no big-endian machine runs the tests
        found.byteswap()
    return b2a_base64(found.tobytes(), newline=False).decode("ascii")


def unpack(text: str) -> Sequence[int]:
    """`pack`'s numbers; ValueError (binascii.Error is one) or TypeError when not base64 text."""
    found = array(_U32)
    found.frombytes(a2b_base64(text, strict_mode=True))
    if _SWAP:  # pragma: no cover
        found.byteswap()
    return found


def _credit(kind: str, who: str, when: str) -> str:
    return f"[{kind},{who},{when}]"


_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
#: A named tuple made in C (``Contribution(...)`` is a Python-level ``__new__``).
_NEW = tuple.__new__
BAD = (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError)


#: A full pass at a commit, for a cached index whose row does not decode.
Rebuild = Callable[[], Mapping[str, PageHistory]]


class Table:
    """People and dates once each, shared by every index derived from one file (append-only)."""

    def __init__(self, people: list[Person] | None = None, dates: list[str] | None = None) -> None:
        self.people = people or []
        self.dates = dates or []
        self._parsed: list[datetime] = []  # dates[:n], parsed
        self._who: dict[Person, int] | None = None
        self._when: dict[str, int] | None = None
        self.lock = threading.Lock()

    def parsed(self) -> list[datetime]:
        """``dates`` parsed; those added since the last call are parsed now, in one pass.

        A build decodes every page, and so reads every date: one comprehension over them costs a
        third of what a method call per date did (issue 19: 8,400 dates at 300 pages / 20,000
        commits). One assignment, so that a thread reading meanwhile keeps a whole list.
        """
        done = self._parsed
        if len(done) < len(self.dates):
            more = [datetime.fromisoformat(text) for text in self.dates[len(done) :]]
            if any(moment.tzinfo is None for moment in more):  # compared with an offset, it fails
                raise ValueError("history cache damaged (a date without its offset)")
            done = self._parsed = done + more
        return done

    def who(self, person: Person) -> int:
        if self._who is None:
            self._who = {p: n for n, p in enumerate(self.people)}
        found = self._who.get(person)
        if found is None:
            found = self._who[person] = len(self.people)
            self.people.append(person)
        return found

    def when(self, moment: datetime) -> int:
        return self.date_at(moment.isoformat())

    def date_at(self, text: str) -> int:
        if self._when is None:
            self._when = {d: n for n, d in enumerate(self.dates)}
        found = self._when.get(text)
        if found is None:
            found = self._when[text] = len(self.dates)
            self.dates.append(text)
        return found


class CachedPages(Mapping[str, PageHistory]):
    """An index's pages, each decoded from its cached row on first read.

    ``rebuild`` gives every page by a full pass: used once, if a row does not decode.
    """

    def __init__(
        self,
        table: Table,
        rows: dict[str, bytes | None],
        pages: dict[str, PageHistory],
        rebuild: Rebuild | None = None,
    ) -> None:
        self.table = table
        self.rows = rows  # every path; None: only in ``pages`` (changed since the file)
        self.pages = pages
        self.rebuild = rebuild
        self.rebuilt: Mapping[str, PageHistory] | None = None

    def __getitem__(self, path: str) -> PageHistory:
        found = self.pages.get(path)
        if found is not None:
            return found
        raw = self.rows[path]  # KeyError: no such page
        if self.rebuilt is None and raw is not None:
            try:
                page = self.pages[path] = decode_row(self.table, path, raw)
                return page
            except BAD:
                if self.rebuild is None:
                    raise KeyError(path) from None
                self.rebuilt = self.rebuild()
        assert self.rebuilt is not None
        return self.rebuilt[path]

    def __contains__(self, path: object) -> bool:
        return path in self.rows

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def derive(
        self,
        gone: set[str],
        changed: Mapping[str, PageHistory],
        rebuild: Rebuild | None,
    ) -> CachedPages:
        """These pages without ``gone``, with ``changed``: nothing else is decoded or copied twice."""
        rows, pages = dict(self.rows), dict(self.pages)  # copied at C speed, then trimmed
        for path in gone:
            rows.pop(path, None)
            pages.pop(path, None)
        for path, page in changed.items():
            rows[path] = None
            pages[path] = page
        return CachedPages(self.table, rows, pages, rebuild)


def read(data: bytes, rebuild: Callable[[str], Rebuild] | None = None) -> tuple[str, HistoryIndex]:
    """The fingerprint and index in a cache file's bytes.

    ``rebuild(head)``: the full pass at the cached commit, should a row not decode.

    ValueError (or another of `BAD`) if the file is not one, truncated or damaged.
    """
    first, header_line, body = data.split(b"\n", 2)
    if first != MAGIC:
        raise ValueError(f"not a version {VERSION} history cache")
    header = json.loads(header_line)
    if hashlib.blake2b(body, digest_size=16).hexdigest() != header["digest"]:
        raise ValueError("history cache damaged (digest)")
    lines = body.split(b"\n")
    count = header["count"]
    paths = json.loads(lines[0])
    if not isinstance(paths, list) or len(paths) != count or len(lines) != count + 2:
        raise ValueError("history cache damaged (count)")
    if lines[-1]:
        raise ValueError("history cache damaged (end)")
    "".join(paths)  # TypeError unless every path is a string (at C speed: 40,000 of them)
    people = [Person(str(name), str(email)) for name, email in header["people"]]
    table = Table(people, [str(text) for text in header["dates"]])
    rows: dict[str, bytes | None] = dict(zip(paths, lines[1:-1], strict=True))
    head = str(header["head"])
    if head and not _SHA.fullmatch(head):  # it goes to git: never an option, only a commit
        raise ValueError("history cache damaged (head)")
    pages = CachedPages(table, rows, {}, rebuild(head) if rebuild else None)
    return str(header["fingerprint"]), HistoryIndex(head, pages, str(header["content_dir"]))


def write(index: HistoryIndex, key: str, new: NewRows | None = None) -> bytes:
    """The cache file for ``index``: rows read from a file and not decoded go back unchanged.

    ``new``: rows already encoded for (exactly) these page objects, with their table.
    """
    pages = index.pages
    raws: Mapping[str, bytes | None]
    if isinstance(pages, CachedPages) and pages.rebuilt is None:
        table, raws = pages.table, pages.rows
    elif new is not None:
        table, raws = new.table, new.rows_of(pages)
    else:
        table, raws = Table(), {}
    with table.lock:  # derived indexes share it: positions are only ever appended
        rows = [raws.get(path) or encode_row(table, pages[path]) for path in pages]
        people = [[p.name, p.email] for p in table.people]
        dates = list(table.dates)
    body = b"\n".join([_DUMP(list(pages)).encode("ascii"), *rows, b""])
    header: dict[str, Any] = {
        "fingerprint": key,
        "head": index.head,
        "content_dir": index.content_dir,
        "people": people,
        "dates": dates,
        "count": len(rows),
        "digest": hashlib.blake2b(body, digest_size=16).hexdigest(),
    }
    return MAGIC + b"\n" + _DUMP(header).encode("ascii") + b"\n" + body


class NewRows:
    """A new cache file's rows, encoded as a full pass finishes each page (most during the walk).

    Each row is `encode_row`'s text, its people and dates looked up once each (by ``id``; the
    object is kept). With ``lines`` (the manifest's), ``add`` also makes the page's manifest
    line from the same look-ups.
    """

    def __init__(self, lines: ManifestLines | None = None) -> None:
        self.table = Table()
        self.lines = lines
        self.rows: dict[str, tuple[PageHistory, bytes]] = {}
        self.people: dict[int, tuple[int, str]] = {}  # id -> (position, manifest text)
        self.dates: dict[int, tuple[int, str]] = {}
        self.kept: list[object] = []
        # id -> isoformat() of the pass's dates, given by its Finisher while they are alive
        self.texts: dict[int, str] = {}

    def _person(self, person: Person) -> tuple[int, str]:
        self.kept.append(person)
        text = self.lines.person(person) if self.lines is not None else ""
        found = self.people[id(person)] = (self.table.who(person), text)
        return found

    def _date(self, moment: datetime) -> tuple[int, str]:
        self.kept.append(moment)
        iso = self.texts.get(id(moment)) or moment.isoformat()
        found = self.dates[id(moment)] = (self.table.date_at(iso), f'"{iso}"')
        return found

    def add(self, page: PageHistory) -> None:
        # In encode_row's order: a person or date new to the table is appended as it is met.
        known, person, dated, date = self.people.get, self._person, self.dates.get, self._date
        created = dated(id(page.created)) or date(page.created)
        modified = dated(id(page.last_modified)) or date(page.last_modified)
        last = known(id(page.last_author)) or person(page.last_author)
        authors = [known(id(p)) or person(p) for p in page.authors]
        coauthors = [known(id(p)) or person(p) for p in page.coauthors]
        parts: list[int] = []
        counts: list[str] = []
        credits: list[str] = []
        done: list[str] = []
        for c in page.contributions:
            who = known(id(c.person)) or person(c.person)
            day = dated(id(c.first)) or date(c.first)
            parts += (who[0], c.commits, day[0])
            counts.append(PART(who[1], c.commits, day[1]))
        for credit in page.credits:
            who = known(id(credit.person)) or person(credit.person)
            day = dated(id(credit.when)) or date(credit.when)
            credits.append(_credit(_ASCII(credit.kind), str(who[0]), str(day[0])))
            done.append(CREDIT(string_json(credit.kind), who[1], day[1]))
        row = _row(
            created[0],
            modified[0],
            last[0],
            pack([who[0] for who in authors]),
            pack([who[0] for who in coauthors]),
            page.commits,
            ",".join(map(_ASCII, page.previous_paths)),
            pack(parts),
            ",".join(credits),
        )
        self.rows[page.path] = (page, row.encode("ascii"))
        if self.lines is not None:
            text = LINE(
                created[1],
                modified[1],
                last[1],
                ", ".join(["{" + who[1] + "}" for who in authors]),
                ", ".join(["{" + who[1] + "}" for who in coauthors]),
                page.commits,
                ", ".join(map(string_json, page.previous_paths)),
                ", ".join(counts),
                ", ".join(done),
            )
            self.lines.ready[page.path] = (page, text)

    def rows_of(self, pages: Mapping[str, PageHistory]) -> dict[str, bytes | None]:
        """The rows encoded for these very page objects (a page since replaced: none)."""
        return {path: row for path, (page, row) in self.rows.items() if pages.get(path) is page}


def encode_row(table: Table, page: PageHistory) -> bytes:
    """One page as positions in ``table`` (which grows by the people and dates it lacks)."""
    who, when = table.who, table.when
    row = [
        when(page.created),
        when(page.last_modified),
        who(page.last_author),
        pack([who(p) for p in page.authors]),
        pack([who(p) for p in page.coauthors]),
        page.commits,
        list(page.previous_paths),
        pack([n for c in page.contributions for n in (who(c.person), c.commits, when(c.first))]),
        [[c.kind, who(c.person), when(c.when)] for c in page.credits],
    ]
    return _DUMP(row).encode("ascii")


def decode_row(table: Table, path: str, raw: bytes) -> PageHistory:
    """`encode_row`'s page; one of `BAD` when the row is not one."""
    row = _LOAD(raw.decode("ascii"))
    created, modified, last, authors, coauthors, commits, before, packed, done = row
    # Per contribution, the table's lists directly: a long history has tens of thousands of
    # them, and a method call each was most of a cached page's decoding. A position that is not
    # an int fails (one of BAD), and so does one past a table's end; a crafted negative one (or
    # `true`) reads another entry: any crafted value that passes the digest may give a wrong
    # answer, never a crash.
    people, date = table.people, table.parsed()
    if type(commits) is not int or not all(isinstance(p, str) for p in before):
        raise ValueError(f"history cache row for {path}: bad commits or previous paths")
    parts = iter(unpack(packed))  # in threes: ValueError for a number more or less
    contributions = tuple(
        [_NEW(Contribution, (people[i], n, date[d])) for i, n, d in zip(*[parts] * 3, strict=True)]
    )
    return PageHistory(
        path,
        date[created],
        date[modified],
        people[last],
        tuple([people[i] for i in unpack(authors)]),
        tuple([people[i] for i in unpack(coauthors)]),
        commits,
        tuple(before),
        contributions,
        tuple([Credit(_kind(kind), people[i], date[d]) for kind, i, d in done]),
    )


def _kind(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not a credit kind: {value!r}")
    return value
