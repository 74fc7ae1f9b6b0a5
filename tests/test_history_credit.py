"""Bot commits are not edits: the App's and listed bots' commits leave dates and contributors alone,
and their Confirmed-by (and other decision) trailers credit the person who confirmed."""

from __future__ import annotations

from pathlib import Path

from kennis.config import parse_config
from kennis.history import HistoryIndex
from kennis.history_build import index_for
from tests.gitrepo import GitRepo

PAGE = "content/a.md"
BOT = "kennis-bot <kennis-bot@users.noreply.github.com>"


def _repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "r")
    repo.write(PAGE, '---\nowner: "@alice"\n---\n# A\n')
    repo.commit("Write A", author="Alice <alice@example.com>", date="2025-01-01T09:00:00+00:00")
    return repo


def _index(repo: GitRepo, config: bytes = b"", cache: bool = False) -> HistoryIndex:
    return index_for(repo.root, parse_config(config)[0], cache=cache)


def test_a_bot_confirmation_keeps_last_edited_and_contributors_and_credits_the_confirmer(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path)
    repo.write(PAGE, '---\nowner: "@alice"\nreviewed: 2026-02-01\nreviewed_by: "@bob"\n---\n# A\n')
    repo.commit(
        "Confirm content/a.md still accurate",
        author=BOT,
        date="2026-02-01T10:00:00+00:00",
        trailers=["Confirmed-by: bob <bob@users.noreply.github.com>"],
    )
    for cache in (False, True):
        page = _index(repo, cache=cache).pages[PAGE]
        assert page.last_modified.date().isoformat() == "2025-01-01"
        assert [p.name for p in page.contributors] == ["Alice"]
        assert page.commits == 1
        assert [(c.kind, c.person.email, c.when.date().isoformat()) for c in page.credits] == [
            ("confirmed", "bob@users.noreply.github.com", "2026-02-01")
        ]


def test_the_incremental_cache_keeps_credits_and_a_bots_list_makes_other_authors_no_edit(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path)
    assert _index(repo, cache=True).pages[PAGE].credits == ()
    repo.append(PAGE, "More.\n")
    repo.commit("Tidy", author="Renovate <renovate@example.com>", date="2026-01-05T00:00:00+00:00")
    repo.write(PAGE, '---\nowner: "@carol"\ncoauthors: ["@alice"]\n---\n# A\nMore.\n')
    repo.commit(
        "Hand over",
        author=BOT,
        date="2026-02-01T00:00:00+00:00",
        trailers=["Handed-over-by: alice <alice@users.noreply.github.com>"],
    )
    page = _index(repo, cache=True).pages[PAGE]
    assert [c.kind for c in page.credits] == ["handed_over"]
    assert page.last_modified.date().isoformat() == "2026-01-05"  # Renovate is a person here
    listed = _index(repo, b'bots: ["renovate@example.com"]\n', cache=True).pages[PAGE]
    assert listed.last_modified.date().isoformat() == "2025-01-01"
    assert [p.name for p in listed.contributors] == ["Alice"]


def test_an_author_listing_themself_as_coauthor_counts_once(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    repo.append(PAGE, "More.\n")
    repo.commit(
        "More",
        author="Alice <alice@example.com>",
        trailers=["Co-authored-by: Alice <alice@example.com>", "Co-authored-by: Bo <bo@x.org>"],
    )
    page = _index(repo).pages[PAGE]
    assert {c.person.name: c.commits for c in page.contributions} == {"Alice": 2, "Bo": 1}
    assert [p.name for p in page.coauthors] == ["Bo"]


def test_a_persons_own_commit_cannot_credit_someone_else_with_a_trailer(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    repo.append(PAGE, "More.\n")
    repo.commit(
        "Edit",
        author="Mallory <9+mallory@users.noreply.github.com>",
        date="2026-02-01T10:00:00+00:00",
        trailers=["Confirmed-by: bob <bob@users.noreply.github.com>"],
    )
    for cache in (False, True):
        page = _index(repo, cache=cache).pages[PAGE]
        assert page.credits == ()  # only the App's (a bot's) commits say who confirmed
        assert page.commits == 2  # Mallory's commit is an edit like any other


def test_a_bot_is_told_by_the_author_name_and_email_together(tmp_path: Path) -> None:
    # The walk asks once per author (name, e-mail): one e-mail, a bot's name and a person's.
    repo = _repo(tmp_path)
    repo.append(PAGE, "Shared.\n")
    repo.commit("Edit", author="Al <shared@example.com>", date="2025-06-01T00:00:00+00:00")
    repo.append(PAGE, "Bot.\n")
    repo.commit("Bot", author="kennis-bot <shared@example.com>", date="2026-01-01T00:00:00+00:00")
    page = _index(repo).pages[PAGE]
    assert page.last_modified.date().isoformat() == "2025-06-01"
    assert [p.name for p in page.contributors] == ["Alice", "Al"]
    assert page.commits == 2
