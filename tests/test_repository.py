"""One git call tells the history modules what a repository is; a folder inside one is not one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kennis.errors import KennisError
from kennis.repository import commit_of, open_repository
from tests.gitrepo import GitRepo, two_pages


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return two_pages(tmp_path / "kb")


def test_work_tree_runs_git_in_its_top_folder(repo: GitRepo) -> None:
    found = open_repository(repo.root)
    assert found.work_tree == found.run_dir == repo.root.resolve()
    assert found.git_dir == found.common_dir == repo.root.resolve() / ".git"
    assert not found.shallow
    assert commit_of(found, "HEAD") == repo.head
    assert commit_of(found, "HEAD~1") == repo.git("rev-parse", "HEAD~1").strip()


def test_bare_mirror_runs_git_in_its_git_folder(repo: GitRepo, tmp_path: Path) -> None:
    bare = repo.clone(tmp_path / "mirror.git", bare=True)
    found = open_repository(bare.root)
    assert found.work_tree is None
    assert found.run_dir == bare.root.resolve()


def test_shallow_clone_is_known(repo: GitRepo, tmp_path: Path) -> None:
    assert open_repository(repo.clone(tmp_path / "shallow", depth=1).root).shallow


@pytest.mark.parametrize("where", ["content", "missing", "."], ids=["inside", "absent", "none"])
def test_only_a_repository_itself_is_one(repo: GitRepo, tmp_path: Path, where: str) -> None:
    path = tmp_path if where == "." else repo.root / where
    with pytest.raises(KennisError, match="not a git repository"):
        open_repository(path)


def test_no_such_commit_and_no_commits_yet_are_none(repo: GitRepo, tmp_path: Path) -> None:
    assert commit_of(open_repository(repo.root), "nope") is None
    assert commit_of(open_repository(GitRepo(tmp_path / "empty").root), "HEAD") is None


def test_a_revision_is_never_an_option_to_git(repo: GitRepo) -> None:
    """rev-parse without --end-of-options (git before 2.30 refuses it): a '-' rev is no commit."""
    found = open_repository(repo.root)
    assert commit_of(found, "--output=planted") is None
    assert not list(repo.root.glob("planted*"))
    assert commit_of(found, "HEAD") == repo.git("rev-parse", "HEAD").strip()
