"""Build real git repositories in tmp_path with fixed dates, authors, trailers, renames, .mailmap.

Usage::

    repo = GitRepo(tmp_path)
    repo.write("content/a.md", "# A\n").commit("add a", author="Alice <a@x>",
                                                 date="2025-01-02T10:00:00+00:00")
    repo.mv("content/a.md", "content/b.md").commit("rename", trailers=["Co-authored-by: Bob <b@x>"])
    repo.rm("content/b.md").commit("drop b")
    shallow = repo.clone(tmp_path / "shallow", depth=1)

Commits without ``date=`` get a deterministic clock: 2025-01-01T09:00:00+00:00 plus one hour per
commit made so far (dated or not). Git runs isolated from the user's and the system's configuration.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

DEFAULT_AUTHOR = "Alice Example <alice@example.com>"
_CLOCK_START = datetime.fromisoformat("2025-01-01T09:00:00+00:00")


def _split_ident(ident: str) -> tuple[str, str]:
    name, _, rest = ident.partition("<")
    if not rest.endswith(">"):
        raise ValueError(f'author must look like "Name <email>", got {ident!r}')
    return name.strip(), rest[:-1].strip()


def git_env() -> dict[str, str]:
    """Environment that keeps git away from ~/.gitconfig, /etc/gitconfig and signing."""
    env = dict(os.environ)
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        LC_ALL="C",
    )
    return env


class GitRepo:
    """A working repository under ``root``; every mutating method returns ``self`` for chaining."""

    def __init__(self, root: Path, *, init: bool = True, branch: str = "main") -> None:
        self.root = Path(root)
        self._commits = 0
        if init:
            self.root.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", branch)

    # -- running git -------------------------------------------------------------------------
    def git(self, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> str:
        """Run ``git args…`` in the repository and return stdout (stripped); raise on failure."""
        result = subprocess.run(
            ["git", *args],
            cwd=self.root,
            env={**git_env(), **(env or {})},
            input=input,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout.strip()

    @property
    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    # -- working tree ------------------------------------------------------------------------
    def write(self, path: str, text: str = "") -> GitRepo:
        """Create or overwrite ``path`` (parents created) with ``text``."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return self

    def append(self, path: str, text: str) -> GitRepo:
        """Append ``text`` to ``path`` (an edit that keeps rename detection happy)."""
        with (self.root / path).open("a", encoding="utf-8") as handle:
            handle.write(text)
        return self

    def mv(self, old: str, new: str) -> GitRepo:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)
        return self

    def rm(self, path: str) -> GitRepo:
        self.git("rm", "-q", "-r", path)
        return self

    def mailmap(self, text: str) -> GitRepo:
        """Write ``.mailmap`` (git reads it from the working tree, or from HEAD in bare clones)."""
        return self.write(".mailmap", text)

    # -- history -----------------------------------------------------------------------------
    def commit(
        self,
        message: str,
        *,
        author: str = DEFAULT_AUTHOR,
        date: str | None = None,
        committer: str | None = None,
        trailers: Iterable[str] = (),
        allow_empty: bool = False,
    ) -> str:
        """Stage everything and commit with fixed author, date and trailers; return the SHA."""
        when = date or (_CLOCK_START + timedelta(hours=self._commits)).isoformat()
        self._commits += 1
        a_name, a_email = _split_ident(author)
        c_name, c_email = _split_ident(committer or author)
        env = {
            "GIT_AUTHOR_NAME": a_name,
            "GIT_AUTHOR_EMAIL": a_email,
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_NAME": c_name,
            "GIT_COMMITTER_EMAIL": c_email,
            "GIT_COMMITTER_DATE": when,
        }
        trailer_block = "\n".join(trailers)
        full = f"{message}\n\n{trailer_block}\n" if trailer_block else f"{message}\n"
        self.git("add", "-A")
        flags = ["--allow-empty"] if allow_empty else []
        self.git(
            "-c", "commit.gpgsign=false", "commit", "-q", *flags, "-F", "-", env=env, input=full
        )
        return self.head

    def clone(self, dest: Path, *, depth: int | None = None, bare: bool = False) -> GitRepo:
        """Clone over ``file://`` (so ``depth`` really makes a shallow clone) and return it."""
        args = ["clone", "-q"]
        if depth is not None:
            args += ["--depth", str(depth)]
        if bare:
            args.append("--bare")
        subprocess.run(
            ["git", *args, self.root.resolve().as_uri(), str(dest)],
            env=git_env(),
            check=True,
            capture_output=True,
        )
        return GitRepo(dest, init=False)


def two_pages(root: Path, year: int = 2025) -> GitRepo:
    """A repository with ``content/a.md`` and ``content/b.md``, one commit each, a day apart."""
    repo = GitRepo(root)
    repo.write("content/a.md", "# A\n").commit("a", date=f"{year}-01-01T09:00:00+00:00")
    repo.write("content/b.md", "# B\n").commit("b", date=f"{year}-01-02T09:00:00+00:00")
    return repo
