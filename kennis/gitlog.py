"""Stream ``git log --name-status -M -z`` into commits one at a time, in bounded memory."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import git

from kennis.errors import KennisError

# One record per commit, introduced by RS (0x1e) so it can never be mistaken for a status token.
# Fields are NUL-separated; co-author trailers (case-insensitive key, as git matches it) are joined
# with US (0x1f). ``-z`` terminates the header with NUL, then the name-status entries follow as
# ``\nSTATUS\0path\0`` (``R<score>\0old\0new\0`` for renames).
LOG_FORMAT = (
    "%x1e%H%x00%aN%x00%aE%x00%aI%x00%(trailers:key=Co-authored-by,valueonly,separator=%x1f)"
)

# The flags that make the stream. The benchmark's floor uses exactly these, so the comparison is
# honest: ``-M`` (rename detection) is where git spends its time. ``--root`` shows the first
# commit's files as added even if ``log.showRoot`` is off; ``--use-mailmap`` canonicalises authors.
LOG_FLAGS: tuple[str, ...] = ("--name-status", "-M", "-z", "--root", "--use-mailmap", "--no-color")

_CHUNK = 1 << 20
_RS = 0x1E


@dataclass(frozen=True, slots=True)
class Change:
    """One file touched by a commit; paths stay bytes (decoded only for pages we keep)."""

    status: str  # "A" | "M" | "D" | "T" | "R" | "C" | ...
    path: bytes
    old_path: bytes | None = None  # set for renames and copies


@dataclass(frozen=True, slots=True)
class LogCommit:
    """A commit as git log printed it; ``date`` is strict ISO 8601, parsed only when needed."""

    sha: str
    name: str
    email: str
    date: str
    coauthors: tuple[str, ...]  # raw trailer values, e.g. "Bob <bob@example.com>"
    changes: tuple[Change, ...]


def log_command(git: str, repo_dir: Path, extra: Sequence[str] = ()) -> list[str]:
    """The exact git invocation the index streams (also used by the benchmark)."""
    return [git, "-C", str(repo_dir), "log", *LOG_FLAGS, f"--format={LOG_FORMAT}", *extra]


def git_executable(repo: git.Repo) -> str:
    return str(repo.git.GIT_PYTHON_GIT_EXECUTABLE)


def run_dir(repo: git.Repo) -> Path:
    """Where to run git: the work tree, so the checked-out .mailmap is read (bare: HEAD:.mailmap)."""
    return Path(repo.working_tree_dir or repo.git_dir)


def is_shallow(repo: git.Repo) -> bool:
    return bool(repo.git.rev_parse("--is-shallow-repository").strip() == "true")


def head_markdown(repo: git.Repo, content_dir: str) -> list[bytes]:
    """Repo-relative paths (bytes) of every ``*.md`` blob under ``content_dir`` at HEAD."""
    command = [git_executable(repo), "-C", str(run_dir(repo)), "ls-tree", "-r", "-z"]
    command += ["--name-only", "--full-tree", "HEAD", "--", content_dir]
    out = subprocess.run(command, capture_output=True, check=True).stdout
    return [p for p in out.split(b"\0") if p.endswith(b".md")]


def check_mailmap(repo: git.Repo, idents: Sequence[str]) -> list[str]:
    """Canonicalise ``Name <email>`` idents through .mailmap in ONE ``git check-mailmap`` call."""
    result = subprocess.run(
        [git_executable(repo), "-C", str(run_dir(repo)), "check-mailmap", "--stdin"],
        input="".join(f"{ident}\n" for ident in idents).encode("utf-8"),
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8", "replace").splitlines()


def _tokens(stream: IO[bytes]) -> Iterator[bytes]:
    """Yield NUL-terminated tokens from ``stream`` reading 1 MiB at a time."""
    tail = b""
    while chunk := stream.read(_CHUNK):
        parts = (tail + chunk).split(b"\0")
        tail = parts.pop()
        yield from parts
    if tail:
        yield tail


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def parse_log(stream: IO[bytes]) -> Iterator[LogCommit]:
    """Parse the ``LOG_FORMAT`` stream; one commit is held in memory at a time."""
    tokens = _tokens(stream)
    token = next(tokens, None)
    while token is not None:
        if not token or token[0] != _RS:
            raise ValueError(f"unexpected git log output near {token[:60]!r}")
        sha = token[1:].decode("ascii")
        name, email, date, trailers = (next(tokens) for _ in range(4))
        changes: list[Change] = []
        token = next(tokens, None)
        while token is not None and token and token[0] != _RS:
            status = token.lstrip(b"\n")[:1].decode("ascii")
            if status in ("R", "C"):
                old = next(tokens)
                changes.append(Change(status, next(tokens), old))
            else:
                changes.append(Change(status, next(tokens)))
            token = next(tokens, None)
        coauthors = tuple(_text(t).strip() for t in trailers.split(b"\x1f") if t.strip())
        yield LogCommit(
            sha, _text(name), _text(email), date.decode("ascii"), coauthors, tuple(changes)
        )


class GitLogStream:
    """Context manager running git log and parsing it; leaving early stops git immediately."""

    def __init__(self, repo: git.Repo, extra: Sequence[str] = ()) -> None:
        self.command = log_command(git_executable(repo), run_dir(repo), extra)
        self._exhausted = False
        # stderr goes to a file, not a pipe: many rename-limit warnings must not stall git.
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 — closed in __exit__
        self._proc = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=self._stderr)

    def _commits(self) -> Iterator[LogCommit]:
        assert self._proc.stdout is not None
        yield from parse_log(self._proc.stdout)
        self._exhausted = True

    def __enter__(self) -> Iterator[LogCommit]:
        return self._commits()

    def __exit__(self, *exc: object) -> None:
        if not self._exhausted:
            self._proc.kill()  # an early stop: nothing git prints from here on can matter
        assert self._proc.stdout is not None
        self._proc.stdout.close()
        code = self._proc.wait()
        self._stderr.seek(0)
        message = self._stderr.read().decode("utf-8", "replace").strip()
        self._stderr.close()
        if self._exhausted and code != 0:
            raise KennisError(f"git log failed (exit {code}): {message}")
