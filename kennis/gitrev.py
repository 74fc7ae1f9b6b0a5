"""Read a knowledge base at any git revision in a few git calls: listing, one batch read, diffs."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .codeowners import LOCATIONS
from .config import CONFIG_PATH, REVIEWS_PATH
from .errors import KennisError
from .kb import META_FILE, PAGE_SUFFIX, content_dir_of
from .mkdocs_yml import MKDOCS_PATH
from .tree import MemoryTree


@dataclass(frozen=True)
class Change:
    """One entry of ``git diff --name-status``: status letter, old and new path (same unless R/C)."""

    status: str
    old_path: str
    new_path: str
    score: int | None = None


# git tree modes: regular files (plain and executable); what else a tree can hold, by name.
_REGULAR = frozenset({"100644", "100755"})
_SPECIAL = {"120000": "symbolic link", "160000": "submodule"}


class GitError(KennisError):
    """A git command failed; the message never contains credentials."""


def git_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment for git that cannot prompt, read the system config or be redirected.

    ``base`` defaults to this process's environment; GIT_* variables (``GIT_DIR``,
    ``GIT_INDEX_FILE``…) are dropped from it so they never point git somewhere else.
    """
    source = os.environ if base is None else base
    env = {k: v for k, v in source.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    return env


def run_git(
    args: Sequence[str],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    redact: Callable[[str], str] = lambda text: text,
) -> bytes:
    """Run ``git -C cwd args…``; its stdout, or `GitError` with git's last words (redacted)."""
    command = ["git", *(["-C", str(cwd)] if cwd is not None else []), *args]
    result = subprocess.run(command, input=input, capture_output=True, env=env, check=False)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise GitError(redact(f"git {_subcommand(args)} failed ({result.returncode}): {detail}"))
    return result.stdout


def _subcommand(args: Sequence[str]) -> str:
    """The git command's name, past global options such as ``-c key=value``."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-c", "-C"):
            skip = True
        elif not arg.startswith("-"):
            return arg
    return args[0] if args else "git"


class GitReader:
    """Reads files and diffs of a repository (a checkout or a bare mirror) with batched git calls."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = Path(git_dir)

    def env(self) -> dict[str, str] | None:
        """The environment for git (the App's mirror adds credentials here)."""
        return None

    def redact(self, text: str) -> str:
        """Remove secrets from git's error output (nothing to remove without credentials)."""
        return text

    def git(
        self,
        *args: str,
        stdin: bytes | None = None,
        cwd: Path | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> bytes:
        """Run git in the repository (or *cwd*) with `env` plus *extra_env*; stdout as bytes."""
        env = self.env()
        if extra_env:
            env = {**(git_env() if env is None else env), **extra_env}
        return run_git(args, cwd or self.git_dir, env, stdin, self.redact)

    def diff_name_status(self, base: str, head: str) -> list[Change]:
        """Changes of ``head`` since its merge base with ``base`` (``base...head``), renames followed."""
        out = self.git(
            "-c",
            "diff.renameLimit=0",
            "diff",
            "--name-status",
            "-M",
            "-z",
            "--no-color",
            f"{base}...{head}",
            "--",
        )
        return parse_name_status(out)

    def changed_paths(self, a: str, b: str) -> set[str]:
        """Paths that differ between two commits, directly (``a..b``, not from a merge base).

        Renames are not followed, so a moved file shows both its old and its new path; that also
        keeps a blobless mirror from fetching blobs to score renames (trees are enough).
        """
        out = self.git("diff", "--name-only", "--no-renames", "-z", "--no-color", a, b, "--")
        return {p for p in out.decode("utf-8", "surrogateescape").split("\0") if p}

    def ls_tree(self, rev: str, prefix: str = "") -> list[str]:
        """Paths of all files at ``rev`` below ``prefix`` (repository-relative, POSIX)."""
        args = ["ls-tree", "-r", "-z", "--name-only", "--full-tree", rev]
        if prefix:
            args += ["--", prefix.rstrip("/") + "/"]
        return [p for p in self.git(*args).decode("utf-8", "surrogateescape").split("\0") if p]

    def ls_tree_modes(self, rev: str, prefix: str = "") -> list[tuple[str, str]]:
        """``(mode, path)`` of every entry at ``rev`` below ``prefix``: files, links, submodules."""
        args = ["ls-tree", "-r", "-z", "--full-tree", rev]
        if prefix:  # no trailing slash: a link named like the folder is listed too
            args += ["--", prefix.rstrip("/")]
        out = self.git(*args).decode("utf-8", "surrogateescape")
        entries = []
        for record in filter(None, out.split("\0")):
            info, _, path = record.partition("\t")
            entries.append((info.split(" ", 1)[0], path))
        return entries

    def read_files(self, rev: str, paths: Sequence[str]) -> dict[str, bytes | None]:
        """Contents of many files at ``rev`` through one ``git cat-file --batch`` process."""
        unique = list(dict.fromkeys(paths))
        if not unique:
            return {}
        self.prefetch(rev, unique)
        request = b"".join(f"{rev}:{p}\n".encode("utf-8", "surrogateescape") for p in unique)
        out = self.git("cat-file", "--batch", stdin=request)
        return dict(zip(unique, parse_batch(out, len(unique)), strict=True))

    def read_file(self, rev: str, path: str) -> bytes | None:
        """Content of ``path`` at ``rev``, or None if it is not a file there."""
        return self.read_files(rev, [path])[path]

    def prefetch(self, rev: str, paths: Iterable[str]) -> None:
        """Hook for partial clones to fetch missing blobs in one round trip; nothing by default."""

    def rev_parse(self, rev: str) -> str | None:
        try:
            return (
                self.git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
                or None
            )
        except GitError:
            return None

    def tree_at(self, rev: str, pages: Iterable[str] | None = None) -> MemoryTree:
        """The files ``load_kb`` needs at ``rev``, read in one batch (never one git call per page).

        That is the config, CODEOWNERS, every folder default and ``pages`` (default: every page).
        """
        # The settings that decide the content folder (kennis.yml, mkdocs.yml and what it
        # INHERITs) and the front_matter: false sidecar, read in one batch.
        seen = self.read_files(rev, [CONFIG_PATH, MKDOCS_PATH, REVIEWS_PATH])

        def read(path: str) -> bytes | None:
            if path not in seen:
                seen[path] = self.read_files(rev, [path])[path]
            return seen[path]

        entries = self.ls_tree_modes(rev, content_dir_of(read))
        listing = [path for mode, path in entries if mode in _REGULAR]
        special = {
            p: _SPECIAL.get(mode, "special entry") for mode, p in entries if mode not in _REGULAR
        }
        wanted = set(pages) if pages is not None else None
        needed = [CONFIG_PATH, *LOCATIONS] + [
            p
            for p in listing
            if p.endswith("/" + META_FILE)
            or (p.endswith(PAGE_SUFFIX) and (wanted is None or p in wanted))
        ]
        read_now = self.read_files(rev, needed)
        files = {p: data for p, data in {**seen, **read_now}.items() if data is not None}
        return MemoryTree(files, listing, special)


def parse_name_status(out: bytes) -> list[Change]:
    """Parse ``git diff --name-status -z`` output (R/C entries carry two paths)."""
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    changes: list[Change] = []
    i = 0
    while i < len(fields) and fields[i]:
        code = fields[i]
        status, score = code[0], int(code[1:]) if code[1:].isdigit() else None
        if status in "RC":
            changes.append(Change(status, fields[i + 1], fields[i + 2], score))
            i += 3
        else:
            changes.append(Change(status, fields[i + 1], fields[i + 1], score))
            i += 2
    return changes


def parse_batch(out: bytes, count: int) -> list[bytes | None]:
    """Split ``cat-file --batch`` output: a header line, then content, per requested object."""
    results: list[bytes | None] = []
    pos = 0
    for _ in range(count):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 3 and header[1] != b"missing":
            size = int(header[2])
            results.append(out[pos : pos + size] if header[1] == b"blob" else None)
            pos += size + 1
        else:
            results.append(None)
    return results
