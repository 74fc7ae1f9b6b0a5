"""``kennis check`` refuses content that would crash a build or reach HTML raw (issue 12).

Each case runs the real ``kennis`` command on a real git repository made in tmp_path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kennis.gitrev import GitReader
from kennis.kb import load_kb
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


def _link(path: Path, target: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


SPECIALS = [
    (
        "link to /etc/passwd",
        "content/passwd.md",
        lambda p: _link(p, "/etc/passwd"),
        "symbolic link",
    ),
    ("dangling link", "content/gone.md", lambda p: _link(p, "nowhere.md"), "symbolic link"),
    (
        "link loop",
        "content/loop/a.md",
        lambda p: (_link(p, "b.md"), _link(p.with_name("b.md"), "a.md")),
        "symbolic link",
    ),
    ("link to a folder", "content/secrets", lambda p: _link(p, "/etc"), "symbolic link"),
    ("link to /dev/zero", "content/zero.png", lambda p: _link(p, "/dev/zero"), "symbolic link"),
    ("fifo", "content/pipe.md", lambda p: os.mkfifo(p), "named pipe (FIFO)"),
]


@pytest.mark.parametrize(
    ("path", "make", "kind"), [c[1:] for c in SPECIALS], ids=[c[0] for c in SPECIALS]
)
def test_every_link_or_special_file_in_the_content_is_an_error_naming_it(
    repo: GitRepo, path: str, make: Callable[[Path], object], kind: str
) -> None:
    make(repo.root / path)
    checked = kennis(repo.root, "check", "--format", "json")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    found = [(p["path"], p["severity"]) for p in json.loads(checked.stdout)]
    assert (path, "error") in found
    assert "root:" not in checked.stdout  # /etc/passwd was not read as a page
    text = kennis(repo.root, "check")
    assert f"{path}: this is a {kind}, not a regular file" in text.stdout


NAMES = [
    ("html tag", "content/<img src=x onerror=alert(7)>.md", "'<', '>'"),
    ("ampersand", "content/R&D.md", "'&'"),
    ("quote", 'content/say "hi".md', "'\"'"),
    ("newline", "content/two\nlines.md", "'\\n'"),
    ("escape sequence", "content/red\x1b[31m.md", "'\\x1b'"),
    ("folder", "content/<b>/page.md", "'<', '>'"),
]


@pytest.mark.parametrize(("path", "shown"), [c[1:] for c in NAMES], ids=[c[0] for c in NAMES])
def test_page_and_folder_names_that_would_reach_html_raw_are_errors(
    repo: GitRepo, path: str, shown: str
) -> None:
    file = repo.root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(page(title="A title", owner='"@ana"'))
    checked = kennis(repo.root, "check", "--format", "json")
    assert checked.returncode == 1
    [problem] = json.loads(checked.stdout)
    assert problem["path"] == path
    assert f"the file or folder name contains {shown}" in problem["message"]
    text = kennis(repo.root, "check").stdout
    assert "\n" not in text.split(": the file or folder name", 1)[0].strip("\n")


def test_links_and_submodules_committed_to_git_are_errors_when_read_from_a_revision(
    repo: GitRepo,
) -> None:
    _link(repo.root / "content/passwd.md", "/etc/passwd")
    _link(repo.root / "content/etc", "/etc")
    repo.commit("Add links", date="2026-01-05T10:00:00+00:00")
    commit = repo.head
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{commit},content/vendored")
    (repo.root / "content/vendored").mkdir()  # an unpopulated submodule is an empty folder
    repo.commit("Add a submodule", date="2026-01-06T10:00:00+00:00")

    kb = load_kb(GitReader(repo.root / ".git").tree_at("HEAD"))
    assert sorted(kb.pages) == ["content/index.md"]
    assert [(p.path, p.message.split(",")[0]) for p in kb.errors] == [
        ("content/etc", "this is a symbolic link"),
        ("content/passwd.md", "this is a symbolic link"),
        ("content/vendored", "this is a submodule"),
    ]


def test_a_content_folder_that_is_itself_a_link_is_reported_and_not_read(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "kb")
    repo.write(".github/kennis.yml", CONFIG)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.md").write_text(page(owner='"@ana"'))
    os.symlink(elsewhere, repo.root / "content")
    checked = kennis(repo.root, "check", "--format", "json")
    assert checked.returncode == 1
    assert [(p["path"], p["message"].split(",")[0]) for p in json.loads(checked.stdout)] == [
        ("content", "this is a symbolic link")
    ]


def test_a_content_folder_committed_as_a_link_is_an_error_in_the_revision(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "kb")
    repo.write(".github/kennis.yml", CONFIG)
    repo.write("docs/index.md", page(owner='"@ana"'))
    os.symlink("docs", repo.root / "content")
    repo.commit("Content is a link", date="2026-01-05T10:00:00+00:00")
    kb = load_kb(GitReader(repo.root / ".git").tree_at("HEAD"))
    assert [(p.path, p.message.split(",")[0]) for p in kb.errors] == [
        ("content", "this is a symbolic link")
    ]
