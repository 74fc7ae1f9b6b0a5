"""Who wrote the knowledge base: per person pages started, pages contributed to, first contribution.

Computed from the history index alone (no git call). Per person:

- *pages* counts pages they authored or co-authored; *started* the pages whose first author they are;
- *edits* counts their commits (authored, or co-authored through ``Co-authored-by:``) to pages;
- *first contribution* is the date of their first such commit.

The index records each person's commits and first date per page (``PageHistory.contributions``).
A manifest written before that lacks them; then *edits* counts one per page a person shares with
others (a lower bound) and *first contribution* is bounded by the page's dates.

Upkeep counts too (``PageHistory.credits``, from the App's trailers): pages *confirmed* and
confirmed *on time* (by the page's due date that day, ``kennis.status.confirmations_on_time``),
pages *handed over* and *archived*, knowledge *requests* fulfilled (pages with ``requested_in:``
they started), and from the reviews file (see ``load_credit``) *reviews* given on knowledge pull
requests and readers' *feedback resolved* (issues their confirmation or edit closed). Upkeep
milestones go by pages confirmed on time and by feedback resolved. People are keyed by
``kennis.people.person_key``: one person, one row, whatever name or address a commit used.
Nobody is ranked by edit count alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from mkdocs.exceptions import PluginError

from kennis.history import PageHistory, Person
from kennis.intervals import Interval
from kennis.people import person_key
from kennis.status import confirmations_on_time

from ..context import SiteContext
from ..render import Link, person_link
from ..reports import NOT_CONTENT


@dataclass
class Contributor:
    """One person's record in the knowledge base."""

    person: Person
    pages: set[str] = field(default_factory=set)
    started: set[str] = field(default_factory=set)
    coauthored: set[str] = field(default_factory=set)
    edits: int = 0
    first: date | None = None
    confirmed: int = 0
    on_time: int = 0
    handed_over: int = 0
    archived: int = 0
    reviews: int = 0
    requests: int = 0  # pages written for a knowledge request (``requested_in:``), started
    feedback: int = 0  # readers' feedback issues their confirmation or edit resolved
    link: Link = field(init=False, repr=False, compare=False)

    @property
    def upkeep(self) -> int:
        """Confirmations, hand-overs, archivings, reviews, requests, feedback: keeping it true."""
        return (
            self.confirmed
            + self.handed_over
            + self.archived
            + self.reviews
            + self.requests
            + self.feedback
        )

    def __post_init__(self) -> None:
        self.link = person_link(self.person)  # once: the ranking and the table ask for it

    def seen(self, day: date) -> None:
        self.first = day if self.first is None else min(self.first, day)


@dataclass
class Recognition:
    """Everything the ``kennis/contributors.md`` template shows."""

    people: list[Contributor]
    newcomers: list[Contributor]
    milestones: list[tuple[int, list[Contributor]]]
    upkeep_milestones: list[tuple[int, list[Contributor]]] = field(default_factory=list)
    feedback_milestones: list[tuple[int, list[Contributor]]] = field(default_factory=list)


def _key(person: Person) -> str:
    return person_key(person)


def _record(people: dict[str, Contributor], person: Person) -> Contributor:
    """The person's record, made on first sight (not setdefault: each call would make one)."""
    key = _key(person)
    found = people.get(key)
    if found is None:
        found = people[key] = Contributor(person)
    return found


def _credit_upkeep(
    people: dict[str, Contributor], history: PageHistory, every: Interval, adopted: date | None
) -> None:
    """Confirmations (on time or late), hand-overs and archivings the App recorded for a page."""
    for credit, on_time in confirmations_on_time(history, every, adopted):
        who = _record(people, credit.person)
        who.confirmed += 1
        who.on_time += on_time
    for credit in history.credits:
        if credit.kind in ("handed_over", "archived"):
            who = _record(people, credit.person)
            if credit.kind == "handed_over":
                who.handed_over += 1
            else:
                who.archived += 1


def _credit(
    people: dict[str, Contributor],
    path: str,
    history: PageHistory,
    seen: dict[int, tuple[Person, Contributor]] | None = None,
) -> None:
    """Credit one page's authors, co-authors and commits; ``seen``: people already looked up.

    ``seen`` maps a person object's identity to their record (the index shares one object per
    person across pages, and an identity look-up costs less than ``person_key`` on each of the
    tens of thousands of contributions a long history has); it holds the object too, so that
    identity cannot be reused while the map lives.
    """
    seen = {} if seen is None else seen

    def get(person: Person) -> Contributor:
        found = seen.get(id(person))
        if found is not None:
            return found[1]
        who = _record(people, person)
        seen[id(person)] = (person, who)
        return who

    known = seen.get
    for person in history.authors:
        hit = known(id(person))
        (hit[1] if hit else get(person)).pages.add(path)
    if history.authors:
        get(history.authors[0]).started.add(path)
    for person in history.coauthors:
        who = get(person)
        who.pages.add(path)
        who.coauthored.add(path)
    if history.contributions:
        for person, commits, first in history.contributions:
            hit = known(id(person))
            who = hit[1] if hit else get(person)
            who.edits += commits
            day = first.date()
            if who.first is None or day < who.first:
                who.first = day
        return
    for i, person in enumerate(history.authors):  # an old manifest: bounds, not exact figures
        who = get(person)
        who.edits += history.commits if len(history.authors) == 1 else 1
        who.seen(history.created.date() if i == 0 else history.last_modified.date())
    for person in history.coauthors:
        get(person).seen(history.last_modified.date())


def recognition(
    context: SiteContext,
    newcomer_days: int,
    milestones: list[int],
    upkeep_levels: list[int] | None = None,
    reviews: dict[str, int] | None = None,
    resolved: dict[str, int] | None = None,
) -> Recognition:
    people: dict[str, Contributor] = {}
    seen: dict[int, tuple[Person, Contributor]] = {}
    index = context.index
    for path, page in sorted(context.kb.pages.items()):
        history = index.get(path) if index else None
        if history is not None and page.status not in NOT_CONTENT:
            _credit(people, path, history, seen)
            if page.requested_in and history.authors:
                first = history.authors[0]
                _record(people, first).requests += 1
        if history is not None:  # an archived page still credits who archived it
            _credit_upkeep(people, history, page.review_every, context.kb.config.adopted)
    for login, count in (reviews or {}).items():
        _by_login(people, login).reviews += count
    for login, count in (resolved or {}).items():
        _by_login(people, login).feedback += count
    ranked = sorted(
        people.values(),
        key=lambda c: (-(len(c.pages) + c.upkeep), c.first or date.max, c.link.text),
    )
    since = context.as_of - timedelta(days=newcomer_days)
    newcomers = [c for c in ranked if c.first is not None and c.first >= since]
    newcomers.sort(key=lambda c: (c.first or date.max, c.link.text), reverse=True)
    levels = sorted(set(milestones), reverse=True)
    reached: list[tuple[int, list[Contributor]]] = []
    for level in levels:
        higher = [n for n in levels if n > level]
        at = [
            c
            for c in ranked
            if len(c.pages) >= level and not any(len(c.pages) >= n for n in higher)
        ]
        if at:
            reached.append((level, at))
    upkeep = upkeep_levels or []
    return Recognition(
        ranked,
        newcomers,
        reached,
        _levels(ranked, upkeep, lambda c: c.on_time),
        _levels(ranked, upkeep, lambda c: c.feedback),
    )


def _by_login(people: dict[str, Contributor], login: str) -> Contributor:
    person = Person(login, f"{login}@users.noreply.github.com")
    return _record(people, person)


def _levels(
    ranked: list[Contributor], levels: list[int], count: Callable[[Contributor], int]
) -> list[tuple[int, list[Contributor]]]:
    """Upkeep milestones: each person at the highest level ``count`` (on time, feedback) reaches."""
    reached: list[tuple[int, list[Contributor]]] = []
    for level in sorted(set(levels), reverse=True):
        at = [c for c in ranked if milestone(count(c), levels) == level]
        if at:
            reached.append((level, at))
    return reached


def milestone(count: int, levels: list[int]) -> int | None:
    """The highest milestone ``count`` pages reach, if any."""
    met = [n for n in levels if count >= n]
    return max(met) if met else None


def load_credit(root: Path, name: str | None) -> tuple[dict[str, int], dict[str, int]]:
    """Reviews and resolved feedback per GitHub login from a reviews file (``kennis.reviews``).

    Without the ``reviews`` option, the file the App hands its own builds (``KENNIS_REVIEWS``);
    none, or none written yet: no such credit.
    """
    name = name or os.environ.get("KENNIS_REVIEWS", "").strip() or None
    if not name:
        return {}, {}
    from kennis.reviews import ReviewsError, read_resolved, read_reviews

    try:
        raw = (root / name).read_bytes()
        return read_reviews(raw, name), read_resolved(raw, name)
    except FileNotFoundError:
        return {}, {}  # nothing recorded yet
    except (OSError, ReviewsError) as error:
        raise PluginError(f"kennis: {error}") from None
