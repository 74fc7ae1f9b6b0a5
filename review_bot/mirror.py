"""A local bare mirror per repository: fetch per event, diff with renames, batched blob reads."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

TokenProvider = Callable[[], str]
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class MirrorError(Exception):
    """A git command on the mirror failed; the message never contains credentials."""


@dataclass(frozen=True)
class Change:
    """One entry of ``git diff --name-status``: status letter, old and new path (same unless R/C)."""

    status: str
    old_path: str
    new_path: str
    score: int | None = None


class Mirror:
    """A bare, blobless-where-possible clone of one repository under the bot's data directory."""

    _locks: ClassVar[dict[Path, threading.Lock]] = {}
    _locks_guard = threading.Lock()

    def __init__(self, path: Path, clone_url: str, token: TokenProvider | None = None) -> None:
        self.path = Path(path)
        self.clone_url = clone_url
        self._token = token
        with Mirror._locks_guard:
            self.lock = Mirror._locks.setdefault(self.path.resolve(), threading.Lock())

    @classmethod
    def for_repository(
        cls, root: Path, full_name: str, clone_url: str, token: TokenProvider | None = None
    ) -> Mirror:
        """Mirror of ``owner/repo`` at ``root/owner/repo.git``."""
        owner, _, name = full_name.partition("/")
        if not (_SAFE_NAME.match(owner) and _SAFE_NAME.match(name)) or ".." in (owner, name):
            raise MirrorError(f"not a repository name: {full_name!r}")
        return cls(Path(root) / owner / f"{name}.git", clone_url, token)

    # -- running git ---------------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
        if self._token is not None and self.clone_url.startswith("https://"):
            # Passed through the environment, so it is neither on disk nor in the process list.
            basic = base64.b64encode(f"x-access-token:{self._token()}".encode()).decode()
            env.update(
                GIT_CONFIG_COUNT="1",
                GIT_CONFIG_KEY_0="http.extraHeader",
                GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}",
            )
        return env

    def _git(self, *args: str, stdin: bytes | None = None, cwd: Path | None = None) -> bytes:
        command = ["git", *args]
        if cwd is None:
            command[1:1] = ["--git-dir", str(self.path)]
        env = self._env()
        result = subprocess.run(
            command, input=stdin, capture_output=True, env=env, cwd=cwd, check=False
        )
        if result.returncode != 0:
            raise MirrorError(self._redact(
                f"git {args[0]} failed ({result.returncode}): "
                + result.stderr.decode("utf-8", "replace").strip()[-2000:],
                env,
            ))
        return result.stdout

    @staticmethod
    def _redact(text: str, env: dict[str, str]) -> str:
        secret = env.get("GIT_CONFIG_VALUE_0")
        if secret:
            text = text.replace(secret, "Authorization: <redacted>")
            text = text.replace(secret.rsplit(" ", 1)[-1], "<redacted>")
        return text

    # -- clone and fetch -----------------------------------------------------------------------

    def _remote_allows_filter(self) -> bool:
        # A plain local path is cloned with hard links, where --filter is ignored with a warning;
        # every URL gets the filter (a server that does not allow it serves a full clone).
        return "://" in self.clone_url

    def ensure(self) -> None:
        """Clone the mirror if it does not exist yet."""
        with self.lock:
            if (self.path / "HEAD").exists():
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(self.path.name + ".partial")
            if partial.exists():
                import shutil

                shutil.rmtree(partial)
            args = ["clone", "--bare", "--quiet", "--no-tags"]
            if self._remote_allows_filter():
                args.append("--filter=blob:none")
            self._git(*args, self.clone_url, str(partial), cwd=self.path.parent)
            partial.rename(self.path)

    def fetch(self, *refs: str) -> None:
        """Fetch branches, ``refs/pull/<n>/head`` or commit ids (default: all branches)."""
        self.ensure()
        refspecs = [_refspec(ref) for ref in refs] or ["+refs/heads/*:refs/heads/*"]
        with self.lock:
            # Fetch through "origin" so a blobless mirror keeps its filter; follow a moved URL.
            if self._git("config", "--get", "remote.origin.url").decode().strip() != self.clone_url:
                self._git("remote", "set-url", "origin", self.clone_url)
            self._git(
                "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--prune", "origin",
                *refspecs,
            )

    def rev_parse(self, rev: str) -> str | None:
        """Return the full commit id of *rev*, or None if unknown (blobless mirrors ask origin)."""
        try:
            out = self._git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        except MirrorError:
            return None
        return out.decode().strip() or None

    # -- reading -------------------------------------------------------------------------------

    def diff_name_status(self, base: str, head: str) -> list[Change]:
        """Changes of *head* since its merge base with *base* (``base...head``), renames followed."""
        out = self._git(
            "-c", "diff.renameLimit=0", "diff", "--name-status", "-M", "-z", "--no-color",
            f"{base}...{head}", "--",
        )
        return parse_name_status(out)

    def ls_tree(self, rev: str, prefix: str = "") -> list[str]:
        """Paths of all files at *rev* below *prefix* (repository-relative, POSIX)."""
        args = ["ls-tree", "-r", "-z", "--name-only", "--full-tree", rev]
        if prefix:
            args += ["--", prefix.rstrip("/") + "/"]
        return [p for p in self._git(*args).decode("utf-8", "surrogateescape").split("\0") if p]

    def read_file(self, rev: str, path: str) -> bytes | None:
        """Content of *path* at *rev*, or None if it is not a file there."""
        return self.read_files(rev, [path])[path]

    def read_files(self, rev: str, paths: Sequence[str]) -> dict[str, bytes | None]:
        """Contents of many files at *rev* through one ``git cat-file --batch`` process."""
        unique = list(dict.fromkeys(paths))
        if not unique:
            return {}
        self._prefetch(rev, unique)
        request = b"".join(f"{rev}:{p}\n".encode("utf-8", "surrogateescape") for p in unique)
        out = self._git("cat-file", "--batch", stdin=request)
        return dict(zip(unique, _parse_batch(out, len(unique)), strict=True))

    def _prefetch(self, rev: str, paths: Iterable[str]) -> None:
        """In a blobless mirror, fetch the missing blobs in one round trip instead of one each."""
        if not self._is_partial():
            return
        walk = self._git("rev-list", "--objects", "--no-walk", "--missing=print", rev)
        missing = {line[1:] for line in walk.decode().splitlines() if line.startswith("?")}
        if not missing:
            return
        wanted = set(paths)
        absent = []
        for entry in self._git("ls-tree", "-r", "-z", "--full-tree", rev).split(b"\0"):
            meta, _, name = entry.partition(b"\t")
            oid = meta.rsplit(b" ", 1)[-1].decode()
            if oid in missing and name.decode("utf-8", "surrogateescape") in wanted:
                absent.append(oid)
        if absent:
            with self.lock:
                self._git(
                    "-c", "fetch.negotiationAlgorithm=noop", "fetch", "--quiet", "--no-tags",
                    "--no-write-fetch-head", "--filter=blob:none", "--stdin", "origin",
                    stdin="\n".join(absent).encode() + b"\n",
                )

    def _is_partial(self) -> bool:
        try:
            out = self._git("config", "--get", "remote.origin.promisor")
        except MirrorError:
            return False
        return out.strip() == b"true"


def _refspec(ref: str) -> str:
    if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", ref):
        return ref
    if ref.startswith("refs/"):
        return f"+{ref}:{ref}"
    return f"+refs/heads/{ref}:refs/heads/{ref}"


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


def _parse_batch(out: bytes, count: int) -> list[bytes | None]:
    """Split ``cat-file --batch`` output: a header line, then content, per requested object."""
    results: list[bytes | None] = []
    pos = 0
    for _ in range(count):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 3 and header[1] != b"missing":
            size = int(header[2])
            results.append(out[pos:pos + size] if header[1] == b"blob" else None)
            pos += size + 1
        else:
            results.append(None)
    return results
