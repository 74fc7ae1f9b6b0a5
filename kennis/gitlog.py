"""Stream ``git log --name-status -M -z`` into commits one at a time, in bounded memory."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from kennis.errors import KennisError, Problem

# The parser lives in its own module; its names are this module's too (callers use either).
from kennis.gitlog_parse import CommitFile as CommitFile
from kennis.gitlog_parse import LogCommit as LogCommit
from kennis.gitlog_parse import Readable as Readable
from kennis.gitlog_parse import parse_log as parse_log

if TYPE_CHECKING:
    from kennis.repository import Repository

# One record per commit, introduced by RS (0x1e) so it can never be mistaken for a status token.
# Fields are NUL-separated; co-author trailers (case-insensitive key, as git matches it) are joined
# with US (0x1f); the credit trailers the App writes (Confirmed-by, Archived-by, Handed-over-by,
# Snoozed-by) follow as ``Key: value`` in a sixth field, joined the same way. ``-z`` terminates the header with NUL, then the name-status entries follow as
# ``\nSTATUS\0path\0`` (``R<score>\0old\0new\0`` for renames).
LOG_FORMAT = (
    "%x1e%H%x00%aN%x00%aE%x00%aI%x00%(trailers:key=Co-authored-by,valueonly,unfold,separator=%x1f)"
    "%x00%(trailers:key=Confirmed-by,key=Archived-by,key=Handed-over-by,key=Snoozed-by,unfold,"
    "separator=%x1f)"
)

# The flags that make the stream. The benchmark's floor uses exactly these, so the comparison is
# honest: ``-M`` (rename detection) is where git spends its time. ``--root`` shows the first
# commit's files as added even if ``log.showRoot`` is off; ``--use-mailmap`` canonicalises authors.
LOG_FLAGS: tuple[str, ...] = ("--name-status", "-M", "-z", "--root", "--use-mailmap", "--no-color")

_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_SPECIAL = re.compile(r"[*?\[\]\\]")  # wildcard or escape characters: ls-tree decides those
_PIPE_SIZE = 1 << 20  # ...while a large pipe lets git run ahead (Linux F_SETPIPE_SZ)
_F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ on Linux


def log_command(git: str, repo_dir: Path, extra: Sequence[str] = ()) -> list[str]:
    """The exact git invocation the index streams (also used by the benchmark)."""
    return [git, "-C", str(repo_dir), "log", *LOG_FLAGS, f"--format={LOG_FORMAT}", *extra]


def read_ignore_revs(path: Path) -> frozenset[str]:
    """Read an ignore-revs file from disk (see ``parse_ignore_revs``)."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise KennisError(f"{path}: ignore-revs file not found") from None
    except OSError as error:
        raise KennisError(f"{path}: cannot read ignore-revs file: {error}") from None
    return parse_ignore_revs(raw, str(path))


def parse_ignore_revs(raw: bytes, where: str) -> frozenset[str]:
    """Full commit SHAs, one per line; ``#`` starts a comment (``.git-blame-ignore-revs``).

    ``where`` names the file in errors, which carry ``where:line:col``.
    """
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise KennisError(f"{where}: cannot read ignore-revs file: {error}") from None
    shas: set[str] = set()
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if not _SHA.match(text.lower()):
            col = line.index(text) + 1
            message = f'"{text}" is not a full commit SHA (40 hex digits, unabbreviated)'
            problems.append(Problem(where, number, col, message))
        shas.add(text.lower())
    if problems:
        raise KennisError(problems)
    return frozenset(shas)


def log_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for the stream: GIT_FLUSH=0 stops git flushing a pipe after every commit.

    Unset, git flushes per commit whenever stdout is not a regular file; on a pipe that is one
    write and one reader wake-up per commit, which costs ~30% on a 20k-commit history.
    """
    return {**(os.environ if base is None else base), "GIT_FLUSH": "0"}


def git_executable(repo: Repository) -> str:
    return repo.git


def run_dir(repo: Repository) -> Path:
    """Where to run git: the work tree, so its .mailmap is read (bare repos read HEAD:.mailmap)."""
    return repo.run_dir


def _listing(git: str, repo_dir: Path, rev: str) -> list[str]:
    """Every file of ``rev``'s tree (``head_markdown`` narrows it down to a folder)."""
    return [git, "-C", str(repo_dir), "ls-tree", "-r", "-z", "--name-only", "--full-tree", rev]


def head_markdown(repo: Repository, content_dir: str, rev: str = "HEAD") -> list[bytes]:
    """Repo-relative paths (bytes) of every ``*.md`` blob under ``content_dir`` at ``rev``.

    From the tree `started_early` listed, for a plain folder (ls-tree matches one as a literal
    prefix, up to a slash); else one ``ls-tree`` of the folder.
    """
    files = early_files(run_dir(repo), rev)
    if files is not None and _plain(content_dir):
        folder = content_dir.encode("utf-8", "surrogateescape")
        inside = b"" if content_dir == "." else folder + b"/"
        return [p for p in files if p.endswith(b".md") and (p.startswith(inside) or p == folder)]
    command = [*_listing(git_executable(repo), run_dir(repo), rev), "--", content_dir]
    out = subprocess.run(command, capture_output=True, check=True).stdout
    return [p for p in out.split(b"\0") if p.endswith(b".md")]


def early_files(repo_dir: Path, rev: str) -> list[bytes] | None:
    """Every file of ``rev``'s tree if `started_early` listed it for this repository, else None.

    ``rev``: the commit it started the stream for, or ``HEAD`` (as it was then).
    """
    head = _HEADS.get(Path(repo_dir).resolve())
    if head is None or rev not in ("HEAD", head[1]):
        return None
    listed = early_output(_listing(head[0], Path(repo_dir).resolve(), head[1]))
    return listed[1].split(b"\0") if listed is not None and listed[0] == 0 else None


def _plain(folder: str) -> bool:
    """``.`` or a relative path of ordinary names: no pathspec magic, wildcard or dot segment."""
    if folder == ".":
        return True
    names = folder.split("/")
    return (
        not folder.startswith(":")
        and not _SPECIAL.search(folder)
        and all(name not in ("", ".", "..") for name in names)
    )


def check_mailmap(
    repo: Repository, idents: Sequence[str], env: Mapping[str, str] | None = None
) -> list[str]:
    """Canonicalise ``Name <email>`` idents through .mailmap in ONE ``git check-mailmap`` call."""
    result = subprocess.run(
        [git_executable(repo), "-C", str(run_dir(repo)), "check-mailmap", "--stdin"],
        input="".join(f"{ident}\n" for ident in idents).encode("utf-8"),
        capture_output=True,
        check=True,
        env=None if env is None else dict(env),
    )
    return result.stdout.decode("utf-8", "replace").split("\n")[:-1]  # not U+2028 & co.


def _widen_pipe(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", _F_SETPIPE_SZ), _PIPE_SIZE)
    except (ImportError, OSError):
        pass  # not Linux, or above /proc/sys/fs/pipe-max-size: the default pipe still works


class _Started(NamedTuple):
    command: list[str]
    env: dict[str, str]
    proc: subprocess.Popen[bytes]
    stderr: IO[bytes]


_EARLY: list[_Started] = []  # streams started ahead of their reader, not yet taken


def _spawn(command: list[str], env: dict[str, str]) -> _Started:
    # stderr goes to a file, not a pipe: many rename-limit warnings must not stall git.
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 — closed by the stream's reader
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env, bufsize=0)
    assert proc.stdout is not None
    _widen_pipe(proc.stdout.fileno())
    return _Started(command, env, proc, stderr)


def _stop(started: _Started, exhausted: bool) -> int:
    """Stop git unless it was read to the end; its exit code."""
    if not exhausted:
        started.proc.kill()  # an early stop: nothing git prints from here on can matter
    assert started.proc.stdout is not None
    started.proc.stdout.close()
    return started.proc.wait()


class _Run(NamedTuple):
    proc: subprocess.Popen[bytes]
    out: IO[bytes]  # stdout, in a file: the command never waits for a reader


_RUNS: dict[tuple[str, ...], _Run] = {}  # commands started ahead of the code that asks
_HEADS: dict[Path, tuple[str, str]] = {}  # repository -> (git, the commit started early)


def early_output(command: Sequence[str]) -> tuple[int, bytes] | None:
    """Exit code and output of exactly ``command`` if `started_early` runs it; else None."""
    run = _RUNS.get(tuple(command))
    if run is None:
        return None
    code = run.proc.wait()
    run.out.seek(0)
    return code, run.out.read()


@contextlib.contextmanager
def started_early(
    repo_dir: Path,
    git: str = "git",
    env: Mapping[str, str] | None = None,
    also: Sequence[Sequence[str]] = (),
) -> Iterator[None]:
    """Start the stream of ``repo_dir``'s whole history now; a `GitLogStream` inside takes it.

    git is the long pole of a full pass (rename detection): ``kennis index`` lets it run while
    Python imports and reads the settings (its first megabyte fills the pipe meanwhile). A
    stream nobody took (another commit, a cache that made it unneeded) is stopped on leaving.
    The listing of that commit's tree (`head_markdown`) and the commands ``also`` run alongside
    (`early_output` answers for them inside), so the pass waits for none of them.
    """
    repo_dir = Path(repo_dir).resolve()  # as open_repository names it: the commands must match
    head = subprocess.run(
        [git, "-C", str(repo_dir), "rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
        capture_output=True,
        check=False,
    )
    sha = head.stdout.decode("ascii", "replace").strip()
    started = None
    runs: list[tuple[str, ...]] = []
    if head.returncode == 0 and _SHA.match(sha):
        started = _spawn(log_command(git, repo_dir, [sha, "--"]), log_env(env))
        _EARLY.append(started)
        _HEADS[repo_dir] = (git, sha)
        for command in (_listing(git, repo_dir, sha), *also):
            out = tempfile.TemporaryFile()  # noqa: SIM115 — closed on leaving
            proc = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
            runs.append(tuple(command))
            _RUNS[runs[-1]] = _Run(proc, out)
    try:
        yield
    finally:
        if started is not None and started in _EARLY:
            _EARLY.remove(started)
            _stop(started, exhausted=False)
            started.stderr.close()
        if started is not None:
            _HEADS.pop(repo_dir, None)
        for key in runs:
            run = _RUNS.pop(key)
            if run.proc.poll() is None:
                run.proc.kill()
            run.proc.wait()
            run.out.close()


def _take(command: list[str], env: dict[str, str]) -> _Started | None:
    """The early stream of exactly this command and environment, if one was started."""
    for started in _EARLY:
        if started.command == command and started.env == env:
            _EARLY.remove(started)
            return started
    return None


class GitLogStream:
    """Context manager running git log and parsing it; leaving early stops git immediately."""

    def __init__(
        self, repo: Repository, extra: Sequence[str] = (), env: Mapping[str, str] | None = None
    ) -> None:
        self.command = log_command(git_executable(repo), run_dir(repo), extra)
        self._exhausted = False
        full_env = log_env(env)
        self._started = _take(self.command, full_env) or _spawn(self.command, full_env)

    def _commits(self) -> Iterator[LogCommit]:
        started = self._started
        assert started.proc.stdout is not None
        yield from parse_log(started.proc.stdout)
        self._exhausted = True

    def __enter__(self) -> Iterator[LogCommit]:
        return self._commits()

    def __exit__(self, *exc: object) -> None:
        code = _stop(self._started, self._exhausted)
        stderr = self._started.stderr
        stderr.seek(0)
        message = stderr.read().decode("utf-8", "replace").strip()
        stderr.close()
        if self._exhausted and code != 0:
            raise KennisError(f"git log failed (exit {code}): {message}")
