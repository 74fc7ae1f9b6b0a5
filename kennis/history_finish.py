"""Pages from the walk's tallies: people and dates decoded once, co-authors through ``.mailmap``."""

from __future__ import annotations

import operator
import re
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kennis import gitlog
from kennis.history import Contribution, Credit, PageHistory, Person

if TYPE_CHECKING:
    from kennis.history_build import _Ident, _Tally
    from kennis.repository import Repository

#: git's strict ISO 8601 (%aI), as datetime.isoformat() writes it back ("-00:00" comes back as
#: "+00:00"); the ASCII digits are checked by fromisoformat
_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
_IDENT = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>\s*$")


def _parse_ident(raw: str) -> Person:
    match = _IDENT.match(raw)
    if match is None:
        return Person(raw.strip(), "")
    return Person(match["name"], match["email"])


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


#: Pages waiting for a trailer's ``.mailmap`` answer before one ``git check-mailmap`` asks for all
#: (doubled after each call: the first calls meet most people, later pages wait longer).
_BATCH = 64
_POLL = 32  # pages between two looks whether a check-mailmap call has answered
#: A check-mailmap call's answer: the values asked about, those git mapped, its output lines.
_Answer = tuple[dict[bytes, Person], list[bytes], list[str]]


def _oldest_first(item: tuple[object, list[Any]]) -> int:
    """A sort key for (key, [walk position of the oldest commit, ...]): the oldest first."""
    seq: int = item[1][0]
    return -seq


_ENTRY = operator.itemgetter(1)  # (key, [walk position, ...]) -> its list, compared in C
_new = tuple.__new__  # a named tuple made without its Python-level __new__


class Finisher:
    """Turns tallies into PageHistory, decoding each person and date once.

    A full pass hands each page over as soon as the walk reaches the commit that created it
    (`early`, while git still streams older history); `finish` does the rest after the walk.
    ``on_page`` sees every page once, as soon as it is final (``kennis index`` encodes its
    manifest line and cache row meanwhile). Trailer values go through ``.mailmap`` in batches:
    one ``git check-mailmap`` for the first `_BATCH` pages naming someone not yet mapped, one
    for the next twice as many, and so on.
    """

    def __init__(
        self,
        repo: Repository,
        env: Mapping[str, str] | None = None,
        on_page: Callable[[PageHistory], None] | None = None,
        texts: dict[int, str] | None = None,
    ) -> None:
        self.repo, self.env, self.on_page = repo, env, on_page
        self.texts = texts  # id of each date made -> its isoformat(), when git's text is that
        self.canon: dict[Person, Person] = {}  # one object per person: merged by id below
        self.people: dict[_Ident, Person] = {}
        self.trailers: dict[bytes, Person] = {}  # raw trailer value -> canonical person
        self.moments: dict[bytes, datetime] = {}  # bulk imports give many pages one date
        self.done: dict[bytes, PageHistory] = {}
        self.waiting: list[_Tally] = []  # finished tallies naming an unmapped trailer value
        self.batch = _BATCH
        # check-mailmap calls under way (the walk goes on meanwhile), oldest first, each with
        # the tallies waiting for it; the values they ask about
        self.asked: list[tuple[Callable[[bool], _Answer | None], list[_Tally]]] = []
        self.asking: set[bytes] = set()
        self.seen = 0

    def early(self, tally: _Tally) -> None:
        """The walk reached the commit that created the page: no older one can change it."""
        self.seen += 1
        if self.asked and not self.seen % _POLL:
            self._answered(wait=False)
        if not tally.coauthors and not tally.credits:
            self._done(tally)
            return
        unmapped = self._unmapped(tally)
        if not unmapped:
            self._done(tally)
        elif self.asked and unmapped <= self.asking:
            self.asked[-1][1].append(tally)  # done when that answer (and every earlier) is in
        else:
            self.waiting.append(tally)
            if len(self.waiting) >= self.batch:
                waiting, self.waiting, self.batch = self.waiting, [], self.batch * 2
                self.asked.append((self._ask(waiting), waiting))

    def finish(self, tallies: Mapping[bytes, _Tally]) -> dict[str, PageHistory]:
        """Every page of ``tallies`` (in their order): those not finished early, now."""
        self._answered(wait=True)
        self._map([t for p, t in tallies.items() if p not in self.done and t.created is not None])
        pages = {}
        for path, tally in tallies.items():
            page = self.done.get(path)
            if page is None:
                if tally.created is None:  # a HEAD path no commit touched cannot happen; be safe
                    continue
                page = self._done(tally)
            pages[page.path] = page
        return pages

    def _done(self, tally: _Tally) -> PageHistory:
        page = self.done[tally.path] = self.page(tally.path, tally)
        if self.on_page is not None:
            self.on_page(page)
        return page

    def _unmapped(self, tally: _Tally) -> set[bytes]:
        known = self.trailers
        found = {raw for raw in tally.coauthors if raw not in known}
        return found | {raw for _kind, raw, _day in tally.credits if raw not in known}

    def _people(self, tallies: list[_Tally]) -> dict[bytes, Person]:
        """Every trailer value these tallies name that is neither mapped nor being asked."""
        raws = {raw for tally in tallies for raw in tally.coauthors}
        raws |= {raw for tally in tallies for _kind, raw, _day in tally.credits}
        skip = self.trailers.keys() | self.asking
        return {raw: _parse_ident(_text(raw)) for raw in raws if raw not in skip}

    def _map(self, tallies: list[_Tally]) -> None:
        """Every trailer value these tallies name, through ``.mailmap`` in ONE git call."""
        found = self._ask(tallies)(True)  # waited for: always an answer
        assert found is not None
        self._mapped(*found)

    def _ask(self, tallies: list[_Tally]) -> Callable[[bool], _Answer | None]:
        """Start one ``git check-mailmap`` for the values these tallies name; its answer."""
        people = self._people(tallies)
        # check-mailmap needs "Name <email>" (git < 2.47 rejects a bare "<email>").
        mappable = [raw for raw, person in people.items() if person.name and person.email]
        self.asking |= people.keys()
        if not mappable:
            return lambda wait: (people, mappable, [])
        idents = [str(people[raw]) for raw in mappable]
        out = tempfile.TemporaryFile()  # noqa: SIM115 — closed with the answer
        command = [gitlog.git_executable(self.repo), "-C", str(gitlog.run_dir(self.repo))]
        command += ["check-mailmap", "--stdin"]
        env = None if self.env is None else dict(self.env)
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, env=env)
        assert proc.stdin is not None
        with proc.stdin:
            proc.stdin.write("".join(f"{ident}\n" for ident in idents).encode("utf-8"))

        def answer(wait: bool) -> _Answer | None:
            if not wait and proc.poll() is None:
                return None
            with out:
                if proc.wait() != 0:
                    raise subprocess.CalledProcessError(proc.returncode, command)
                out.seek(0)
                lines = out.read().decode("utf-8", "replace").split("\n")[:-1]  # one per ident
            return people, mappable, lines

        return answer

    def _answered(self, wait: bool) -> None:
        """Finish the pages whose ``.mailmap`` answers are in (all of them: ``wait``), in order."""
        while self.asked:
            found = self.asked[0][0](wait)
            if found is None:
                return
            _, tallies = self.asked.pop(0)
            self._mapped(*found)
            for ready in tallies:
                self._done(ready)

    def _mapped(self, people: dict[bytes, Person], mappable: list[bytes], lines: list[str]) -> None:
        for raw, line in zip(mappable, lines, strict=True):
            people[raw] = _parse_ident(line)
        for raw, person in people.items():
            self.trailers[raw] = self.canon.setdefault(person, person)
        self.asking -= people.keys()

    def moment(self, raw: bytes) -> datetime:
        moment = self.moments.get(raw)
        if moment is None:
            text = raw.decode("ascii")
            moment = self.moments[raw] = datetime.fromisoformat(text)
            if self.texts is not None and _ISO.fullmatch(text) and not text.endswith("-00:00"):
                self.texts[id(moment)] = text  # git's %aI is what isoformat() gives back
        return moment

    def person(self, ident: _Ident) -> Person:
        person = self.people.get(ident)
        if person is None:
            person = Person(_text(ident[0]), _text(ident[1]))
            person = self.people[ident] = self.canon.setdefault(person, person)
        return person

    def page(self, path: bytes, tally: _Tally) -> PageHistory:
        assert tally.created is not None
        dated, moment, known, person = self.moments.get, self.moment, self.people.get, self.person
        created, last = tally.created[0], (tally.last or tally.created)
        # (person, [walk position of their oldest commit, commits, oldest date]) for everyone
        authors = [(known(k) or person(k), v) for k, v in tally.authors.items()]
        if len(authors) > 1:
            # Newest first by that position, unique per author (a commit has one): in C.
            authors.sort(key=_ENTRY, reverse=True)
        if tally.coauthors:
            coauthors = [(self.trailers[k], v) for k, v in tally.coauthors.items()]
            if len(coauthors) > 1:
                coauthors.sort(key=_oldest_first)  # one commit may name two: stable order
            contributions = self.contributions(authors + coauthors)
            named = tuple(dict.fromkeys([person for person, _ in coauthors]))
        else:
            contributions = self.contributions(authors)
            named = ()
        return PageHistory(  # positional: ~1 µs a page less than by keyword
            path.decode("utf-8", "surrogateescape"),
            dated(created) or moment(created),  # created
            dated(last[0]) or moment(last[0]),  # last_modified
            known(last[1]) or person(last[1]),  # last_author
            tuple([person for person, _ in authors]),
            named,  # coauthors
            tally.commits,
            tuple([p.decode("utf-8", "surrogateescape") for p in tally.previous])
            if tally.previous
            else (),
            contributions,
            tuple(
                [Credit(kind, self.trailers[raw], moment(day)) for kind, raw, day in tally.credits]
            )
            if tally.credits
            else (),
        )

    def contributions(self, people: list[tuple[Person, list[Any]]]) -> tuple[Contribution, ...]:
        """Per person (authors and co-authors merged after .mailmap): commits and first date.

        In order of first date, then person; each made by `tuple.__new__` (what the named
        tuple's own ``__new__`` calls, from Python: ~20,000 of them at 5,000 pages).
        """
        dated, moment = self.moments.get, self.moment
        if len(people) == 1:  # most pages: one author, no trailers
            person, (_seq, commits, day) = people[0]
            return (_new(Contribution, (person, commits, dated(day) or moment(day))),)
        firsts = [(dated(day) or moment(day), person, n) for person, (_seq, n, day) in people]
        if len({id(person) for person, _ in people}) < len(people):  # someone twice: merged
            merged: dict[int, list[Any]] = {}  # by id (self.canon): one object per person
            for first, person, commits in firsts:
                entry = merged.get(id(person))
                if entry is None:
                    merged[id(person)] = [first, person, commits]
                else:
                    entry[2] += commits
                    entry[0] = min(entry[0], first)
            firsts = [(first, person, n) for first, person, n in merged.values()]
        firsts.sort()  # by first date, then person (unique per person): never by count
        return tuple([_new(Contribution, (person, n, first)) for first, person, n in firsts])
