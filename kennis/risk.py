"""Knowledge at risk: pages whose owner went quiet or left, and sections one person wrote alone.

An owner (a GitHub user) is *inactive* when the history knows them (by their no-reply address or
a credit trailer) and their latest commit, confirmation or decision is more than a year old; an
owner the history cannot tell apart (a work e-mail only) is not guessed at. An owner *left* when a
members list is given (the repository's collaborators, e.g. written by the App) and lacks them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .handles import handle_key
from .history import HistoryIndex, Person
from .page import Page
from .people import person_key

QUIET_FOR = timedelta(days=365)
LEFT = "no longer a member of the repository"
QUIET = "has not contributed since {day}"


@dataclass(frozen=True)
class OwnerRisk:
    path: str
    owner: str
    reason: str
    quiet_since: date | None = None  # the owner's last activity (None: the owner left)


@dataclass(frozen=True)
class LoneSection:
    section: str
    person: str
    pages: int


def last_activity(index: HistoryIndex) -> dict[str, date]:
    """Latest known activity per ``login:<login>`` key: edits, first contributions, credits."""
    # The latest day per person object first, then one key per person: the index shares one
    # object per person, and an identity lookup costs less than person_key (a hash and an LRU
    # look-up) on each of 140,000 entries at 10,000 pages (issue 19).
    days: dict[int, date] = {}
    people: dict[int, Person] = {}

    def seen(person: Person, day: date) -> None:
        if day > days.get(id(person), date.min):
            days[id(person)] = day
            people[id(person)] = person

    latest_day = days.get
    for page in index.pages.values():
        seen(page.last_author, page.last_modified.date())
        for person, _, first in page.contributions:  # inline: a call each was half the time
            day = first.date()
            if day > latest_day(id(person), date.min):
                days[id(person)] = day
                people[id(person)] = person
        for credit in page.credits:
            seen(credit.person, credit.when.date())
    latest: dict[str, date] = {}
    for ident, day in days.items():
        key = person_key(people[ident])
        if key.startswith("login:") and day > latest.get(key, date.min):
            latest[key] = day
    return latest


def owners_at_risk(
    pages: Iterable[Page],
    index: HistoryIndex | None,
    as_of: date,
    members: Collection[str] | None = None,
) -> list[OwnerRisk]:
    """Pages whose (user) owner left or has been quiet for a year, in path order."""
    activity = last_activity(index) if index is not None else {}
    known = {handle_key(m) for m in members} if members is not None else None
    found = []
    for page in sorted(pages, key=lambda p: p.path):
        owner = page.owner.handle if page.owner else None
        if owner is None or owner.is_team:
            continue
        if known is not None and owner.key not in known:
            found.append(OwnerRisk(page.path, owner.text, LEFT))
            continue
        last = activity.get(f"login:{owner.login.lower()}")
        if last is not None and last < as_of - QUIET_FOR:
            reason = QUIET.format(day=last.isoformat())
            found.append(OwnerRisk(page.path, owner.text, reason, quiet_since=last))
    return found


def lone_sections(
    pages: Iterable[Page], index: HistoryIndex | None, section_of: Callable[[str], str]
) -> list[LoneSection]:
    """Sections of two or more pages where every commit came from one person."""
    people: dict[str, dict[str, str]] = {}  # section -> person key -> name
    counts: dict[str, int] = {}
    for page in pages:
        history = index.get(page.path) if index else None
        if history is None:
            continue
        section = section_of(page.path)
        counts[section] = counts.get(section, 0) + 1
        writers = people.setdefault(section, {})
        if len(writers) > 1:
            continue  # two writers already: not one person's section, whoever else wrote here
        for person in history.contributors:
            writers.setdefault(person_key(person), person.name or person.email)
    return [
        LoneSection(section, next(iter(writers.values())), counts[section])
        for section, writers in sorted(people.items())
        if len(writers) == 1 and counts[section] >= 2
    ]
