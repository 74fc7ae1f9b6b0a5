"""Build one commit's site from the mirror in a separate, killable process with a time limit."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kennis.gitrev import GitError, GitReader, git_env, run_git
from kennis.paths import is_under
from review_bot.site.releases import SiteStore

EXCERPT_LINES = 5
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_LEVEL = re.compile(r"^(ERROR|WARNING|CRITICAL)\s+-\s+")
_ERROR_LINE = re.compile(r"^(ERROR|WARNING|CRITICAL|Error|Aborted|Config value)\b|Error: ")

# The child asks the kernel to SIGKILL it when the App dies (so a killed App never leaves a build
# writing into a directory the restarted App cleans), then runs MkDocs exactly like
# ``python -m mkdocs``: the checkout is sys.path[0], so the repository's own hooks import.
_CHILD = """\
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
except Exception:
    pass
if os.getppid() != int(sys.argv[1]):
    os._exit(70)
sys.argv = ["mkdocs", *sys.argv[2:]]
from mkdocs.__main__ import cli
cli()
"""

# The only variables a build inherits (an allowlist: an operator's token under any name, the
# App's secrets and the key file's path never reach MkDocs, hooks or plugins).
_BUILD_ENV = re.compile(
    r"^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|PYTHONPATH|PYTHONHASHSEED"
    r"|SOURCE_DATE_EPOCH|NO_COLOR|SSL_CERT_FILE|SSL_CERT_DIR"
    # Files the App writes for the build (no secrets): open reader reports for the banner and
    # the knowledge requests for the Wanted pages and Knowledge health pages.
    r"|KENNIS_FEEDBACK_REPORTS|KENNIS_REQUESTS_FILE|KENNIS_REVIEWS|KENNIS_MEMBERS)$"
)


@dataclass(frozen=True)
class BuildResult:
    """How a build went: success, seconds spent in MkDocs, and its output."""

    ok: bool
    seconds: float
    log: str
    timed_out: bool = False
    skipped: tuple[str, ...] = ()  # repository paths not built: links, submodules, special files

    @property
    def excerpt(self) -> str:
        """The first error lines of the build output (what a deployment status can show)."""
        return error_excerpt(self.log, self.timed_out)


def error_excerpt(log: str, timed_out: bool = False, limit: int = EXCERPT_LINES) -> str:
    lines = [_ANSI.sub("", line).rstrip() for line in log.splitlines()]
    lines = [line for line in lines if line.strip()]
    picked: list[str] = []
    inside = False  # an error's continuation lines ("  in mkdocs.yml, line 2") belong to it
    for line in lines:
        if _ERROR_LINE.search(line.strip()):
            picked.append(_LEVEL.sub(_level, line.strip()))
            inside = True
        elif line.startswith(("INFO", "DEBUG")):
            inside = False
        elif inside:
            picked.append(line.strip())
    picked = picked[:limit]
    if not picked:
        picked = lines[-limit:]
    if timed_out:
        picked.insert(0, "the build took too long and was stopped (KENNIS_BUILD_TIMEOUT)")
    return "\n".join(picked)


def _level(match: re.Match[str]) -> str:
    return "" if match.group(1) == "ERROR" else match.group(1).lower() + ": "


def _git(
    *args: str, env: Mapping[str, str], cwd: Path | None = None, stdin: bytes | None = None
) -> None:
    """The core's git runner with hooks off; a failure is a `BuildError` (set-up, not content)."""
    try:
        run_git(["-c", "core.hooksPath=/dev/null", *args], cwd, git_env(env), stdin)
    except GitError as exc:
        raise BuildError(str(exc)) from None


class BuildError(Exception):
    """Setting up the build failed (not the content: that is a failed `BuildResult`)."""


# git's modes for the tree entries a build may read: regular files (plain and executable).
# Symbolic links (120000) and submodules (160000) are never exported: a link's target is on the
# host (``/etc/passwd``, the ledger, the App's key, ``/dev/zero``), not in the repository.
_REGULAR = ("100644", "100755")


@dataclass(frozen=True)
class TreeEntry:
    """One ``git ls-tree -r`` line: mode, object id and repository-relative path."""

    mode: str
    oid: str
    path: str


def tree_entries(mirror: GitReader, rev: str, prefix: str = "") -> list[TreeEntry]:
    """Every entry of *rev*'s tree (below *prefix*), links and submodules included."""
    args = ["ls-tree", "-r", "-z", "--full-tree", rev]
    if prefix.strip("/"):
        args += ["--", prefix.strip("/") + "/"]
    entries = []
    for line in mirror.git(*args).decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = line.partition("\t")
        if path:
            mode, _, oid = meta.split(" ")
            entries.append(TreeEntry(mode, oid, path))
    return entries


def checkout(
    mirror: GitReader,
    sha: str,
    work: Path,
    overlay: tuple[str, str] | None = None,
    *,
    env: Mapping[str, str],
) -> tuple[str, ...]:
    """Export *sha*'s regular files into *work* (a clone sharing the mirror's history).

    *overlay* ``(rev, folder)`` takes that folder from another commit instead (a preview's
    content). Returns the paths not exported because they are not regular files. *env* is the
    base environment of git (``Settings.child_env``).
    """
    entries = tree_entries(mirror, sha)
    if overlay is not None:
        rev, folder = overlay
        folder = folder.strip("/")
        entries = [e for e in entries if not is_under(e.path, folder)]
        entries += tree_entries(mirror, rev, folder)
    files = [e for e in entries if e.mode in _REGULAR]
    skipped = tuple(sorted(e.path for e in entries if e.mode not in _REGULAR))
    # A blobless mirror fetches the blobs of the exported files in one round trip per commit.
    mirror.prefetch(
        sha,
        [e.path for e in files if overlay is None or not is_under(e.path, overlay[1].strip("/"))],
    )
    if overlay is not None:
        mirror.prefetch(
            overlay[0], [e.path for e in files if is_under(e.path, overlay[1].strip("/"))]
        )
    work.parent.mkdir(parents=True, exist_ok=True)
    _git("clone", "--shared", "--no-checkout", "--quiet", str(mirror.git_dir), str(work), env=env)
    _git("update-ref", "--no-deref", "HEAD", sha, cwd=work, env=env)
    # The index holds the regular files only; checkout-index writes exactly those.
    index = b"".join(
        f"{e.mode} {e.oid}\t{e.path}\0".encode("utf-8", "surrogateescape") for e in files
    )
    _git("update-index", "-z", "--index-info", cwd=work, stdin=index, env=env)
    _git("checkout-index", "--all", "--force", cwd=work, env=env)
    return skipped


def mkdocs_env(base: Mapping[str, str], preview: bool = False) -> dict[str, str]:
    """The build's environment: the allowed variables of *base* (``Settings.child_env``)."""
    env = {k: v for k, v in base.items() if _BUILD_ENV.match(k)}
    env.update(NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    if preview:
        env["KENNIS_PREVIEW"] = "1"  # the kennis plugins' switch: drafts are shown
    return env


def run_mkdocs(
    work: Path,
    out: Path,
    timeout: float,
    log_path: Path,
    env: Mapping[str, str],
    preview: bool = False,
) -> BuildResult:
    """``mkdocs build --strict`` in *work* into *out*, in its own process group, with a time limit.

    A *preview* build (a pull request's) tells the kennis plugins so: drafts are shown in it.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-c",
        _CHILD,
        str(os.getpid()),
        "build",
        "--strict",
        "-f",
        "mkdocs.yml",
        "-d",
        str(out),
    ]
    started = time.monotonic()
    timed_out = False
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=work,
            env=mkdocs_env(env, preview),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            code = proc.wait()
    seconds = time.monotonic() - started
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return BuildResult(code == 0 and not timed_out, seconds, text, timed_out)


def build_in_checkout(
    store: SiteStore,
    mirror: GitReader,
    sha: str,
    out: Path,
    *,
    env: Mapping[str, str],
    timeout: float,
    overlay: tuple[str, str] | None = None,
    log_name: str | None = None,
    preview: bool = False,
) -> BuildResult:
    """Export *sha* (with *overlay*'s folder) into a fresh work dir, build it into *out*.

    *env* is the base environment of git and MkDocs (``Settings.child_env``), *timeout* the
    build's limit in seconds (``Settings.build_timeout``).
    """
    work = work_root(store) / f"{sha[:12]}-{uuid.uuid4().hex[:8]}"
    shutil.rmtree(out, ignore_errors=True)
    try:
        skipped = checkout(mirror, sha, work, overlay, env=env)
        log_path = store.logs_dir / (log_name or f"{sha}.log")
        result = run_mkdocs(work, out, timeout, log_path, env, preview)
        # The web root holds what the build wrote from the export: never a link or a device.
        removed = tuple(os.path.relpath(p, out) for p in remove_special_files(out))
        return dataclasses.replace(result, skipped=skipped + removed)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def work_root(store: SiteStore) -> Path:
    """The store's work folder, made private; refuse one inside the data dir or not our own."""
    root = store.work_dir
    if root.resolve().is_relative_to(store.root.resolve().parent):
        raise BuildError(f"the build folder {root} is inside the App's data folder")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = root.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise BuildError(f"the build folder {root} is not a private folder of this user")
    return root


def remove_special_files(root: Path) -> list[Path]:
    """Delete everything under *root* that is neither a folder nor a regular file; list it."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder, name)
            mode = path.lstat().st_mode
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                found.append(path)
                path.unlink()
        dirs[:] = [d for d in dirs if Path(folder, d) not in found]
    return found


def build_release(
    store: SiteStore, mirror: GitReader, sha: str, *, env: Mapping[str, str], timeout: float
) -> BuildResult:
    """Build *sha* into ``releases/<sha>.partial`` and, only on success, rename it to the release."""
    partial = store.partial_dir(sha)
    try:
        result = build_in_checkout(store, mirror, sha, partial, env=env, timeout=timeout)
        if result.ok:
            store.commit_partial(sha)
        return result
    finally:
        shutil.rmtree(partial, ignore_errors=True)
