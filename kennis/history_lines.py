"""The manifest's page lines (`kennis.history.manifest_chunks`), from people and dates made once."""

from __future__ import annotations

from datetime import datetime

from kennis.history import PageHistory, Person, string_json


class ManifestLines:
    """`PageHistory.to_json` as ``json.dumps`` writes it, assembled from pieces made once.

    Each person and date is escaped once (found again by ``id``: the object is kept, so its id
    is not reused), about twice as fast as building and encoding a dict a page. ``add`` encodes
    a page ahead of the writing (``kennis index``: as the pass finishes it, git still busy);
    passed itself as a full pass's ``on_page``, the cache rows share its look-ups
    (`kennis.history_store.NewRows`).
    """

    def __init__(self) -> None:
        self.ready: dict[str, tuple[PageHistory, str]] = {}
        self.people: dict[int, str] = {}  # id -> a person's two fields, without braces
        self.dates: dict[int, str] = {}  # id -> a date as a JSON string
        self.kept: list[object] = []  # every object keyed by id stays alive

    def __call__(self, page: PageHistory) -> None:
        self.add(page)

    def add(self, page: PageHistory) -> None:
        self.ready[page.path] = (page, self.page(page))

    def line(self, page: PageHistory) -> str:
        """The page's text: the one ``add`` made for this very object, else made now."""
        found = self.ready.get(page.path)
        return found[1] if found is not None and found[0] is page else self.page(page)

    def person(self, person: Person) -> str:
        found = self.people.get(id(person))
        if found is None:
            self.kept.append(person)
            name, email = string_json(person.name), string_json(person.email)
            found = self.people[id(person)] = f'"name": {name}, "email": {email}'
        return found

    def when(self, moment: datetime) -> str:
        found = self.dates.get(id(moment))
        if found is None:
            self.kept.append(moment)
            found = self.dates[id(moment)] = f'"{moment.isoformat()}"'
        return found

    def page(self, page: PageHistory) -> str:
        known, person, dated, when = self.people.get, self.person, self.dates.get, self.when
        return LINE(
            dated(id(page.created)) or when(page.created),
            dated(id(page.last_modified)) or when(page.last_modified),
            known(id(page.last_author)) or person(page.last_author),
            ", ".join(["{" + (known(id(p)) or person(p)) + "}" for p in page.authors]),
            ", ".join(["{" + (known(id(p)) or person(p)) + "}" for p in page.coauthors]),
            page.commits,
            ", ".join(map(string_json, page.previous_paths)),
            ", ".join(
                [
                    PART(
                        known(id(c.person)) or person(c.person),
                        c.commits,
                        dated(id(c.first)) or when(c.first),
                    )
                    for c in page.contributions
                ]
            ),
            ", ".join(
                [CREDIT(string_json(c.kind), person(c.person), when(c.when)) for c in page.credits]
            ),
        )


# The manifest's text around a page's pieces, as f-strings: compiled once, where str.format
# reads its template again at every call (~0.5 us a page for LINE, ~0.1 us a contribution).


def LINE(  # a template, named like one (history_store uses it too)
    created: str,
    modified: str,
    last: str,
    authors: str,
    coauthors: str,
    commits: int,
    previous: str,
    parts: str,
    credits: str,
) -> str:
    """A page's line: its dates and people as JSON text, the lists' items joined by ", "."""
    return (
        f'{{"created": {created}, "last_modified": {modified}, "last_author": {{{last}}}, '
        f'"authors": [{authors}], "coauthors": [{coauthors}], "commits": {commits:d}, '
        f'"previous_paths": [{previous}], "contributions": [{parts}], "credits": [{credits}]}}'
    )


def PART(who: str, commits: int, first: str) -> str:
    """A contribution: the person's two fields, the commits and the first date."""
    return f'{{{who}, "commits": {commits:d}, "first": {first}}}'


def CREDIT(kind: str, who: str, when: str) -> str:
    """A credit: its kind (as JSON), the person's two fields and the date."""
    return f'{{"kind": {kind}, {who}, "when": {when}}}'
