"""Contributor credit comes from each person's own commits, not from page-level approximations."""

from datetime import date, datetime

from kennis.history import Contribution, Credit, PageHistory, Person
from kennis.intervals import parse_interval
from kennis_mkdocs.contributors.report import Contributor, _credit, _credit_upkeep

ALICE, BOB, DANA = Person("Alice", "a@x"), Person("Bob", "b@x"), Person("Dana", "d@x")


def when(day: str) -> datetime:
    return datetime.fromisoformat(day + "T10:00:00+00:00")


def history(contributions: tuple[Contribution, ...]) -> PageHistory:
    return PageHistory(
        path="content/a.md",
        created=when("2024-01-05"),
        last_modified=when("2026-06-01"),
        last_author=BOB,
        authors=(ALICE, BOB),
        coauthors=(DANA,),
        commits=4,
        contributions=contributions,
    )


def credit(page: PageHistory) -> dict[str, tuple[int, date | None, int, int]]:
    people: dict[str, Contributor] = {}
    _credit(people, page.path, page)
    return {
        c.person.name: (c.edits, c.first, len(c.started), len(c.coauthored))
        for c in people.values()
    }


def test_each_persons_commits_and_first_contribution_are_exact():
    page = history(
        (
            Contribution(ALICE, 3, when("2024-01-05")),
            Contribution(DANA, 1, when("2025-03-01")),
            Contribution(BOB, 1, when("2026-06-01")),
        )
    )
    assert credit(page) == {
        "Alice": (3, date(2024, 1, 5), 1, 0),
        "Bob": (1, date(2026, 6, 1), 0, 0),
        "Dana": (1, date(2025, 3, 1), 0, 1),
    }


def test_an_old_manifest_without_contributions_falls_back_to_bounds():
    assert credit(history(())) == {
        "Alice": (1, date(2024, 1, 5), 1, 0),
        "Bob": (1, date(2026, 6, 1), 0, 0),
        "Dana": (0, date(2026, 6, 1), 0, 1),
    }


def test_confirmed_on_time_counts_by_the_due_date_after_adoption():
    """A page from 2014 adopted in 2026 is due a year after adoption: confirming then is on time."""
    page = PageHistory(
        path="content/a.md",
        created=when("2014-12-08"),
        last_modified=when("2014-12-08"),
        last_author=ALICE,
        authors=(ALICE,),
        coauthors=(),
        commits=1,
        credits=(Credit("confirmed", BOB, when("2027-06-14")),),
    )
    people: dict[str, Contributor] = {}
    _credit_upkeep(people, page, parse_interval("12 months"), date(2026, 6, 15))
    [bob] = people.values()
    assert (bob.person, bob.confirmed, bob.on_time) == (BOB, 1, 1)
    late = page._replace(credits=(Credit("confirmed", BOB, when("2027-06-16")),))
    people = {}
    _credit_upkeep(people, late, parse_interval("12 months"), date(2026, 6, 15))
    assert [(c.confirmed, c.on_time) for c in people.values()] == [(1, 0)]
