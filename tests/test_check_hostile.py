"""``kennis check`` refuses content that would crash a build or reach HTML raw (issue 12).

Each case runs the real ``kennis`` command on a real git repository made in tmp_path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.kbfiles import page

CONFIG = "review_every: 12 months\ndue_soon: 30 days\nfallback_owner: '@acme/kb'\n"


def kennis(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kennis", *args], cwd=root, capture_output=True, text=True
    )


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "kb")
    repo.write(".github/kennis.yml", CONFIG)
    repo.write("content/index.md", page(owner='"@ana"', reviewed="2026-10-01"))
    return repo


DATES = [
    ("far future", page(reviewed="9999-12-31"), "", "content/x.md:2:11: reviewed: "),
    (
        "year one, daily",
        page(reviewed="0001-01-01", review_every="1 day"),
        "",
        "content/x.md:2:11:",
    ),
    ("folder default", page(title="X"), "reviewed: 9999-06-30\n", "content/.meta.yml:1:11:"),
]


@pytest.mark.parametrize(
    ("text", "meta", "where"), [c[1:] for c in DATES], ids=[c[0] for c in DATES]
)
def test_a_date_whose_due_date_leaves_the_calendar_is_an_error_at_the_value(
    repo: GitRepo, text: str, meta: str, where: str
) -> None:
    repo.write("content/x.md", text)
    if meta:
        repo.write("content/.meta.yml", meta)
    repo.commit("Add a page", date="2026-01-05T10:00:00+00:00")

    checked = kennis(repo.root, "check", "--strict")
    assert checked.returncode == 1
    assert where in checked.stdout
    assert "the due date cannot be computed" in checked.stdout
    assert "Traceback" not in checked.stdout + checked.stderr


def test_a_century_long_interval_is_refused_where_it_is_written(repo: GitRepo) -> None:
    repo.write("content/x.md", page(review_every="9999 years"))
    repo.commit("Add a page", date="2026-01-05T10:00:00+00:00")
    checked = kennis(repo.root, "check")
    assert checked.returncode == 1
    assert "content/x.md:2:15: review_every: " in checked.stdout
    assert 'write "never"' in checked.stdout


def test_stale_lists_pages_with_dates_at_the_calendar_ends_without_crashing(repo: GitRepo) -> None:
    repo.write("content/future.md", page(reviewed="9999-12-31"))
    repo.write("content/ancient.md", page(reviewed="0001-01-01", review_every="1 day"))
    repo.commit("Add pages", date="2026-01-05T10:00:00+00:00")

    stale = kennis(repo.root, "stale", "--format", "json", "--as-of", "2026-11-27")
    assert stale.returncode == 0, stale.stderr
    listed = {p["path"]: (p["state"], p["due"]) for p in json.loads(stale.stdout)["pages"]}
    assert listed == {"content/ancient.md": ("overdue", "0001-01-02")}
