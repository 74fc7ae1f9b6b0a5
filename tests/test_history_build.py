"""One history builder for every caller: a commit listed in the ignore-revs file counts as no edit
in ``kennis index``, the site build, the scan and pull-request statuses alike, and the file is
read from the revision being indexed (never from a work tree)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kennis import gitlog
from kennis.changes import load_changes
from kennis.config import parse_config
from kennis.errors import KennisError
from kennis.gitlog import started_early
from kennis.gitrev import GitReader
from kennis.history_build import build_index, index_for, kept_to_exit
from kennis.repository import git_program
from review_bot.review_due import Target, load_repository
from tests.gitrepo import GitRepo
from tests.sitekit import KENNIS_YML, build, make_kb, page

PAGE = "content/kitchen/closing.md"
ALICE = "Alice Example"
FORMATTER = "Format Bot <format@example.com>"
FORMATTED_ON = "2026-05-25T08:00:00+00:00"
AS_OF = date(2026, 6, 1)


def reformat(repo: GitRepo, ignore_file: str = ".git-blame-ignore-revs") -> str:
    """A whitespace-only commit by a bot, then a commit listing it in ``ignore_file``."""
    repo.append(PAGE, "\n").commit("Reformat everything", author=FORMATTER, date=FORMATTED_ON)
    sha = repo.head
    repo.write(ignore_file, f"# bulk reformat\n{sha}\n")
    repo.commit("Ignore the reformat in blame", date="2026-05-26T08:00:00+00:00")
    return sha


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """A page without ``reviewed:`` (so every path dates it from history), then a reformat."""
    repo = make_kb(tmp_path / "kb", {PAGE: page("Closing", owner='"@alice"')})
    reformat(repo)
    return repo


def last_edit(repo: GitRepo, rev: str | None = None) -> tuple[str, str, int]:
    config, _ = parse_config((repo.root / ".github/kennis.yml").read_bytes())
    history = index_for(repo.root, config, rev=rev).pages[PAGE]
    return history.last_author.name, history.last_modified.date().isoformat(), history.commits


def test_index_skips_a_commit_listed_in_git_blame_ignore_revs(repo: GitRepo) -> None:
    assert last_edit(repo) == (ALICE, "2024-01-05", 1)


def test_the_file_is_read_at_the_indexed_revision_not_from_the_work_tree(repo: GitRepo) -> None:
    before_ignore_file = repo.git("rev-parse", "HEAD~1")
    assert last_edit(repo, before_ignore_file) == ("Format Bot", "2026-05-25", 2)
    (repo.root / ".git-blame-ignore-revs").write_text("# emptied, not committed\n")
    assert last_edit(repo) == (ALICE, "2024-01-05", 1)


def test_a_configured_ignore_revs_file_replaces_the_default(tmp_path: Path) -> None:
    repo = make_kb(tmp_path / "kb", {PAGE: page("Closing", owner='"@alice"')})
    repo.write(".github/kennis.yml", KENNIS_YML + "ignore_revs: .github/ignore-revs\n")
    reformat(repo, ".github/ignore-revs")
    assert last_edit(repo) == (ALICE, "2024-01-05", 1)


def test_a_configured_file_missing_at_the_revision_is_a_clear_error(repo: GitRepo) -> None:
    config, _ = parse_config(KENNIS_YML.encode() + b"ignore_revs: nope.txt\n")
    with pytest.raises(KennisError, match=r"nope.txt: ignore-revs file not found at HEAD"):
        index_for(repo.root, config)


def test_a_bad_line_is_reported_with_its_position(repo: GitRepo) -> None:
    repo.write(".git-blame-ignore-revs", "# short\n  abc123\n").commit("Oops")
    config, _ = parse_config(KENNIS_YML.encode())
    with pytest.raises(KennisError) as caught:
        index_for(repo.root, config)
    assert str(caught.value).startswith('.git-blame-ignore-revs:2:3: "abc123" is not a full')


# -- every caller -------------------------------------------------------------------------------


def test_cli_index_skips_the_ignored_commit(repo: GitRepo, tmp_path: Path) -> None:
    out = tmp_path / "index.json"
    command = [sys.executable, "-m", "kennis", "index", "--out", str(out)]
    result = subprocess.run(command, cwd=repo.root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    entry = json.loads(out.read_text())["pages"][PAGE]
    assert (entry["last_author"]["name"], entry["commits"]) == (ALICE, 1)


def test_site_build_skips_the_ignored_commit(repo: GitRepo) -> None:
    built = build(repo.root)
    assert built.returncode == 0, built.output
    html = built.html("kitchen/closing/")
    assert re.search(r'Last edited</dt><dd><time datetime="2024-01-05">', html)
    assert "Format Bot" not in html


def test_scan_skips_the_ignored_commit(repo: GitRepo, tmp_path: Path) -> None:
    target = Target("acme/kb", str(repo.root), "main", None)  # type: ignore[arg-type]
    _kb, statuses = load_repository(target, tmp_path / "mirrors", AS_OF)
    (status,) = [s for s in statuses if s.page.path == PAGE]
    assert (status.history.last_author.name, status.history.commits) == (ALICE, 1)


def test_scan_leaves_the_mirrors_head_where_it_was(repo: GitRepo, tmp_path: Path) -> None:
    repo.git("branch", "release")
    mirrors = tmp_path / "mirrors"
    load_repository(Target("acme/kb", str(repo.root), "main", None), mirrors, AS_OF)  # type: ignore[arg-type]
    mirror = GitRepo(mirrors / "acme" / "kb.git", init=False)
    mirror.git("symbolic-ref", "HEAD", "refs/heads/elsewhere")
    load_repository(Target("acme/kb", str(repo.root), "release", None), mirrors, AS_OF)  # type: ignore[arg-type]
    assert mirror.git("symbolic-ref", "HEAD") == "refs/heads/elsewhere"


def test_pull_request_statuses_skip_the_ignored_commit(repo: GitRepo) -> None:
    base = repo.head
    repo.git("checkout", "-q", "-b", "edit")
    head = repo.append(PAGE, "\nLock the back door.\n").commit("Edit closing", author=FORMATTER)
    changes = load_changes(GitReader(repo.root), "acme/kb", 7, base, head)
    (status,) = changes.statuses(AS_OF)
    assert status.history is not None
    assert (status.history.last_author.name, status.history.commits) == (ALICE, 1)


def test_a_pass_started_early_reads_the_ignore_revs_file_only_where_the_commit_has_one(
    repo: GitRepo, tmp_path: Path
) -> None:
    other = make_kb(tmp_path / "other", {PAGE: page("Closing", owner='"@alice"')})
    expected = last_edit(other)
    for kb, edit in [(repo, (ALICE, "2024-01-05", 1)), (other, expected)]:
        with started_early(kb.root, git_program()):  # as kennis index starts
            assert gitlog.early_files(kb.root, "HEAD") is not None
            assert last_edit(kb) == edit


def test_a_full_pass_inside_kept_to_exit_leaves_its_walk_in_the_list(repo: GitRepo) -> None:
    # kennis index's pass leaves the walk's objects to the process's end instead of freeing them.
    keep: list[object] = []
    with kept_to_exit(keep):
        inside = build_index(repo.root)
    assert build_index(repo.root) == inside  # outside: nothing more kept, the same answer
    [(tallies, _finisher)] = keep
    assert list(tallies) == [PAGE.encode()]


def test_kept_to_exit_lets_go_of_its_own_list_even_when_nested_or_equal() -> None:
    from kennis import history_build

    outer: list[object] = []
    inner: list[object] = []
    outer.append(outer)  # as kennis index's list holds itself
    inner.append(inner)
    with kept_to_exit(outer), kept_to_exit(inner):
        assert history_build._KEEPING[-1] is inner
    assert history_build._KEEPING == []
    first: list[object] = []
    second: list[object] = []  # equal to first, not the same list
    with kept_to_exit(first):
        with kept_to_exit(second):
            pass
        assert history_build._KEEPING[-1] is first
