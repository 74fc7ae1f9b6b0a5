"""One person, one entry: the key that joins a contributor's names and e-mails, everywhere.

Git history names people by name and e-mail, and the same person often appears as several: a
name with and without an accent, a work address and GitHub's no-reply address. Per-page lists,
the Contributors page and ``kennis check --strict`` all key people with ``person_key``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from .handles import noreply_login
from .history import PageHistory, Person


@functools.lru_cache(maxsize=65536)  # a few hundred people, asked about once per page they touched
def person_key(person: Person) -> str:
    """``login:alice`` for GitHub no-reply e-mails (any ``123+`` form), else e-mail, else name."""
    login = noreply_login(person.email) if person.email else None
    if login:
        return f"login:{login.lower()}"
    return person.email.strip().lower() or f"name:{person.name.strip().lower()}"


def page_contributors(history: PageHistory) -> list[Person]:
    """The page's people, one entry each: the latest editor first, then the most active.

    Ties keep the order of first contribution. Without per-person counts (an old manifest) the
    authors and co-authors are listed in the index's order.
    """
    key = person_key
    people: dict[str, Person] = {}
    commits: dict[str, int] = {}
    if history.contributions:
        for person, count, _ in history.contributions:
            k = key(person)
            if k in commits:
                commits[k] += count
            else:
                people[k] = person
                commits[k] = count
    else:
        for person in history.contributors:
            k = key(person)
            people.setdefault(k, person)
            commits[k] = 0
    # Most commits first; a reversed sort keeps equal counts in their first-contribution order.
    ordered = sorted(commits, key=commits.__getitem__, reverse=True)
    latest = key(history.last_author)
    if latest in people and ordered[0] != latest:
        ordered.remove(latest)
        ordered.insert(0, latest)
    return [people[k] for k in ordered]


def mailmap_candidates(people: Iterable[Person]) -> list[tuple[str, list[str]]]:
    """Names written with more than one e-mail: ``.mailmap`` should join them (sorted)."""
    by_name: dict[str, set[str]] = {}
    for person in people:
        if person.name.strip() and person.email.strip():
            by_name.setdefault(person.name.strip(), set()).add(person.email.strip().lower())
    return sorted((name, sorted(mails)) for name, mails in by_name.items() if len(mails) > 1)
