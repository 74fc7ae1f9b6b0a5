"""The fan-out step reads a pull request's pages from git once; freshness matches the scan's."""

from datetime import date

from kennis.changes import load_changes
from kennis.gitrev import GitReader
from tests.gitrepo import GitRepo
from tests.kbfiles import page


def test_touched_pages_without_reviewed_are_dated_by_their_first_commit(tmp_path):
    repo = GitRepo(tmp_path / "kb")
    repo.write("content/old.md", page(owner='"@ana"'))
    repo.write("content/checked.md", page(owner='"@ben"', reviewed="2026-10-01"))
    base = repo.commit("Start", date="2025-06-01T10:00:00+00:00")
    repo.append("content/old.md", "\nAn edit.\n").append("content/checked.md", "\nAn edit.\n")
    head = repo.commit("Edit both", date="2026-11-20T10:00:00+00:00")

    changes = load_changes(GitReader(repo.root), "acme/kb", 1, base, head)
    statuses = {s.page.path: s for s in changes.statuses(date(2026, 11, 27))}
    old = statuses["content/old.md"]
    assert (old.freshness.state, old.freshness.basis, str(old.freshness.due)) == (
        "due",
        "first_commit",
        "2026-06-01",
    )
    assert old.history is not None and old.history.commits == 1  # history as of the base commit
    checked = statuses["content/checked.md"]
    assert (checked.freshness.state, checked.freshness.basis) == ("fresh", "reviewed")


def test_history_is_not_read_when_every_touched_page_has_a_review_date(tmp_path):
    repo = GitRepo(tmp_path / "kb")
    repo.write("content/checked.md", page(owner='"@ben"', reviewed="2026-10-01"))
    base = repo.commit("Start", date="2025-06-01T10:00:00+00:00")
    repo.append("content/checked.md", "\nAn edit.\n")
    head = repo.commit("Edit", date="2026-11-20T10:00:00+00:00")
    changes = load_changes(GitReader(repo.root), "acme/kb", 1, base, head)
    changes.statuses(date(2026, 11, 27))
    assert "history" not in vars(changes)  # no git log pass was needed (cached_property)
