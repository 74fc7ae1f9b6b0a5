"""A local bare mirror per repository: fetch per event, diff with renames, batched blob reads."""

from __future__ import annotations

import base64
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import ClassVar

from kennis.gitrev import Change, GitError, GitReader, git_env, parse_name_status
from review_bot.locks import KeyedLocks

__all__ = ["Change", "Mirror", "MirrorError", "parse_name_status"]

TokenProvider = Callable[[], str]
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class MirrorError(GitError):
    """A git command on the mirror failed; the message never contains credentials."""


class Mirror(GitReader):
    """A bare, blobless-where-possible clone of one repository under the bot's data directory."""

    _locks: ClassVar[KeyedLocks[Path]] = KeyedLocks()

    def __init__(
        self,
        path: Path,
        clone_url: str,
        token: TokenProvider | None = None,
        base_env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(Path(path))
        self.path = Path(path)
        self.clone_url = clone_url
        self._token = token
        self._base_env = git_env(base_env)  # Settings.child_env in the App
        self.lock = Mirror._locks.get(self.path.resolve())

    @classmethod
    def for_repository(
        cls,
        root: Path,
        full_name: str,
        clone_url: str,
        token: TokenProvider | None = None,
        base_env: Mapping[str, str] | None = None,
    ) -> Mirror:
        """Mirror of ``owner/repo`` at ``root/owner/repo.git``."""
        owner, _, name = full_name.partition("/")
        if not (_SAFE_NAME.match(owner) and _SAFE_NAME.match(name)) or ".." in (owner, name):
            raise MirrorError(f"not a repository name: {full_name!r}")
        return cls(Path(root) / owner / f"{name}.git", clone_url, token, base_env)

    # -- running git ---------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        env = dict(self._base_env)
        if self._token is not None and self.clone_url.startswith("https://"):
            # Passed through the environment, so it is neither on disk nor in the process list.
            basic = base64.b64encode(f"x-access-token:{self._token()}".encode()).decode()
            env.update(
                GIT_CONFIG_COUNT="1",
                GIT_CONFIG_KEY_0="http.extraHeader",
                GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}",
            )
        return env

    def git(
        self,
        *args: str,
        stdin: bytes | None = None,
        cwd: Path | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> bytes:
        try:
            return super().git(*args, stdin=stdin, cwd=cwd, extra_env=extra_env)
        except GitError as exc:
            raise MirrorError(str(exc)) from None

    def redact(self, text: str) -> str:
        secret = self.env().get("GIT_CONFIG_VALUE_0")
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
            self.git(*args, self.clone_url, str(partial), cwd=self.path.parent)
            partial.rename(self.path)

    def fetch(self, *refs: str) -> None:
        """Fetch branches, ``refs/pull/<n>/head`` or commit ids (default: all branches)."""
        self.ensure()
        refspecs = [_refspec(ref) for ref in refs] or ["+refs/heads/*:refs/heads/*"]
        with self.lock:
            # Fetch through "origin" so a blobless mirror keeps its filter; follow a moved URL.
            if self.git("config", "--get", "remote.origin.url").decode().strip() != self.clone_url:
                self.git("remote", "set-url", "origin", self.clone_url)
            self.git(
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                "--prune",
                "origin",
                *refspecs,
            )

    # -- reading (the rest is kennis.gitrev.GitReader) ---------------------------------------

    def prefetch(self, rev: str, paths: Iterable[str]) -> None:
        """In a blobless mirror, fetch the missing blobs in one round trip instead of one each."""
        if not self._is_partial():
            return
        walk = self.git("rev-list", "--objects", "--no-walk", "--missing=print", rev)
        missing = {line[1:] for line in walk.decode().splitlines() if line.startswith("?")}
        if not missing:
            return
        wanted = set(paths)
        absent = []
        for entry in self.git("ls-tree", "-r", "-z", "--full-tree", rev).split(b"\0"):
            meta, _, name = entry.partition(b"\t")
            oid = meta.rsplit(b" ", 1)[-1].decode()
            if oid in missing and name.decode("utf-8", "surrogateescape") in wanted:
                absent.append(oid)
        if absent:
            with self.lock:
                self.git(
                    "-c",
                    "fetch.negotiationAlgorithm=noop",
                    "fetch",
                    "--quiet",
                    "--no-tags",
                    "--no-write-fetch-head",
                    "--filter=blob:none",
                    "--stdin",
                    "origin",
                    stdin="\n".join(absent).encode() + b"\n",
                )

    def _is_partial(self) -> bool:
        try:
            out = self.git("config", "--get", "remote.origin.promisor")
        except MirrorError:
            return False
        return out.strip() == b"true"


def _refspec(ref: str) -> str:
    if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", ref):
        return ref
    if ref.startswith("refs/"):
        return f"+{ref}:{ref}"
    return f"+refs/heads/{ref}:refs/heads/{ref}"


# -- writing: commits made in the mirror, pushed with the same env-only credentials -----------


class Commit:
    """Build a commit in the mirror without a work tree: blobs, a temporary index, commit-tree."""

    def __init__(self, mirror: Mirror, parent: str) -> None:
        self.mirror = mirror
        self.parent = parent

    def _run(
        self, *args: str, stdin: bytes | None = None, extra: dict[str, str] | None = None
    ) -> bytes:
        return self.mirror.git(*args, stdin=stdin, extra_env=extra)

    def create(self, files: dict[str, bytes], message: str, author: tuple[str, str]) -> str:
        """Commit ``files`` (path -> new bytes, modes kept) on top of ``parent``; return its SHA."""
        modes: dict[str, str] = {}
        listing = self._run("ls-tree", "-z", "--full-tree", self.parent, "--", *files)
        for entry in listing.split(b"\0"):
            meta, _, name = entry.partition(b"\t")
            if meta:
                modes[name.decode("utf-8", "surrogateescape")] = meta.split(b" ", 1)[0].decode()
        with tempfile.TemporaryDirectory(prefix="kennis-index-") as tmp:
            index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            self._run("read-tree", self.parent, extra=index)
            for path, data in files.items():
                blob = self._run("hash-object", "-w", "--stdin", stdin=data).decode().strip()
                mode = modes.get(path, "100644")
                self._run(
                    "update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}", extra=index
                )
            tree = self._run("write-tree", extra=index).decode().strip()
        who_name, who_email = author
        who = {
            "GIT_AUTHOR_NAME": who_name,
            "GIT_AUTHOR_EMAIL": who_email,
            "GIT_COMMITTER_NAME": who_name,
            "GIT_COMMITTER_EMAIL": who_email,
        }
        out = self._run("commit-tree", tree, "-p", self.parent, stdin=message.encode(), extra=who)
        return out.decode().strip()


def push(
    mirror: Mirror, sha: str, branch: str, *, force: bool = False, lease: str | None = None
) -> None:
    """Push ``sha`` to ``branch`` of the mirror's origin (token via env; ``file://`` as is).

    A non-forced push that is not a fast-forward raises MirrorError (someone pushed first).
    With ``lease``, the branch is replaced only while the origin still has it at that commit
    (``""``: only while it does not exist), so a push made meanwhile is never wiped out.
    """
    ref = f"refs/heads/{branch}"
    options = [f"--force-with-lease={ref}:{lease}"] if lease is not None else []
    refspec = f"{'+' if force and lease is None else ''}{sha}:{ref}"
    with mirror.lock:
        mirror.git("push", "--quiet", "--no-verify", *options, "origin", refspec)
        mirror.git("update-ref", ref, sha)
