"""A page's contributor list: the latest editor first, then by commits, ties by first contribution."""

import random
from datetime import datetime, timedelta

from kennis.history import Contribution, PageHistory, Person
from kennis.people import page_contributors, person_key

START = datetime.fromisoformat("2024-01-01T09:00:00+00:00")
PEOPLE = [
    Person("Alice", "alice@example.com"),
    Person("Alice A.", "ALICE@example.com"),  # the same person as Alice, by e-mail
    Person("Bob", "1234+bob@users.noreply.github.com"),
    Person("bob", "bob@users.noreply.github.com"),  # the same login as Bob
    Person("Chris", ""),
    Person("chris ", ""),  # the same name as Chris
    Person("Dana", "dana@example.com"),
    Person("Eve", "eve@example.com"),
]


def expected(history: PageHistory) -> list[Person]:
    """The rule, spelled out: merge by person_key, latest first, most commits, first seen."""
    people: dict[str, Person] = {}
    commits: dict[str, int] = {}
    for c in history.contributions:
        key = person_key(c.person)
        people.setdefault(key, c.person)
        commits[key] = commits.get(key, 0) + c.commits
    position = {key: i for i, key in enumerate(people)}
    latest = person_key(history.last_author)
    ordered = sorted(people, key=lambda k: (k != latest, -commits[k], position[k]))
    return [people[k] for k in ordered]


def page(contributions: list[Contribution], last: Person) -> PageHistory:
    return PageHistory(
        path="content/a.md",
        created=START,
        last_modified=START + timedelta(days=9),
        last_author=last,
        authors=tuple(c.person for c in contributions),
        coauthors=(),
        commits=sum(c.commits for c in contributions),
        contributions=tuple(contributions),
    )


def test_the_order_holds_for_every_shape_of_page():
    rng = random.Random(19)
    for _ in range(2000):
        chosen = rng.sample(PEOPLE, rng.randint(1, len(PEOPLE)))
        parts = [
            Contribution(p, rng.choice([1, 1, 2, 3, 5]), START + timedelta(days=i))
            for i, p in enumerate(chosen)
        ]
        last = rng.choice([*chosen, Person("Zed", "zed@example.com")])
        history = page(parts, last)
        assert page_contributors(history) == expected(history)


def test_ties_keep_the_order_of_first_contribution_and_the_latest_editor_leads():
    a, b, c = PEOPLE[0], PEOPLE[4], PEOPLE[6]
    history = page(
        [Contribution(a, 2, START), Contribution(b, 2, START), Contribution(c, 2, START)], c
    )
    assert page_contributors(history) == [c, a, b]


def test_an_old_manifest_lists_authors_then_coauthors():
    a, b, c = PEOPLE[0], PEOPLE[4], PEOPLE[6]
    history = PageHistory(
        path="content/a.md",
        created=START,
        last_modified=START,
        last_author=b,
        authors=(a, b),
        coauthors=(c, PEOPLE[1]),  # PEOPLE[1] is Alice again
        commits=3,
    )
    assert page_contributors(history) == [b, a, c]
