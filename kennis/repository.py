"""A repository as git reports it, in one call: what the history modules need, without GitPython."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from kennis.errors import KennisError
from kennis.gitlog import early_output


def git_program() -> str:
    """The git executable: ``GIT_PYTHON_GIT_EXECUTABLE`` as GitPython reads it, else ``git``.

    The history modules used GitPython before; the same variable keeps naming the same git.
    """
    return os.environ.get("GIT_PYTHON_GIT_EXECUTABLE", "git")


class Repository(NamedTuple):
    """A work tree's top folder or a git folder (a bare mirror), as `open_repository` found it."""

    git: str  # the executable
    git_dir: Path
    common_dir: Path  # the main repository's git folder (a linked work tree shares it)
    work_tree: Path | None  # None: a bare repository
    shallow: bool

    @property
    def run_dir(self) -> Path:
        """Where to run git: the work tree, so its .mailmap is read (bare: HEAD's .mailmap)."""
        return self.work_tree or self.git_dir

    def run(
        self, *args: str, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        """``git -C run_dir args…``, output captured; the caller reads the exit code."""
        command = [self.git, "-C", str(self.run_dir), *args]
        return subprocess.run(command, capture_output=True, env=env, check=False)


def open_command(path: Path, git: str) -> list[str]:
    """The one ``git rev-parse`` that tells `open_repository` what ``path`` is."""
    command = [git, "-C", str(path), "rev-parse", "--absolute-git-dir", "--git-common-dir"]
    command += ["--is-bare-repository", "--is-inside-git-dir"]
    return [*command, "--is-shallow-repository", "--show-prefix"]


def open_repository(path: Path) -> Repository:
    """The repository whose top folder (or git folder) ``path`` is.

    KennisError if it is none, or only a folder inside one (as ``git.Repo(path)`` had it).
    """
    path = Path(path)
    git = git_program()
    command = open_command(path, git)
    early = early_output(command)  # kennis index ran it alongside git's stream
    if early is None:
        try:
            found = subprocess.run(command, capture_output=True, check=False)
        except OSError as error:
            raise KennisError(f"{path}: cannot run git: {error}") from None
        early = found.returncode, found.stdout
    code, out = early
    lines = out.decode("utf-8", "surrogateescape").split("\n")
    if code != 0 or len(lines) < 6 or lines[5]:  # a prefix: a folder inside one
        raise KennisError(f"{path}: not a git repository")
    git_dir, common_dir, bare, in_git_dir, shallow = lines[:5]
    work_tree = None
    if bare != "true":  # the work tree, or the git folder of one (then its parent)
        work_tree = Path(git_dir).parent if in_git_dir == "true" else path.resolve()
    common = Path(path, common_dir).resolve()  # relative to ``path`` before git 2.31's options
    return Repository(git, Path(git_dir), common, work_tree, shallow == "true")


def commit_of(repo: Repository, rev: str) -> str | None:
    """The full SHA of the commit ``rev`` names, or None (no such commit, or no commits yet)."""
    if rev.startswith("-"):  # never an option to git
        return None
    command = commit_command(repo.git, repo.run_dir, rev)
    early = early_output(command)  # kennis index asked when it started: HEAD as it was then
    if early is None:
        found = subprocess.run(command, capture_output=True, check=False)
        early = found.returncode, found.stdout
    sha = early[1].decode("ascii", "replace").strip()
    return sha if early[0] == 0 and sha else None


def commit_command(git: str, run_dir: Path, rev: str) -> list[str]:
    """The ``git rev-parse`` that tells `commit_of` which commit ``rev`` names."""
    return [
        git,
        "-C",
        str(run_dir),
        "rev-parse",
        "--verify",
        "--quiet",
        f"{rev}^{{commit}}",  # not --end-of-options: git before 2.30 refuses it in rev-parse
    ]
