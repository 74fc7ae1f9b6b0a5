"""Build one commit's site from the mirror in a separate, killable process with a time limit."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kennis.gitrev import GitReader
from review_bot.site.releases import SiteStore

DEFAULT_TIMEOUT = 600.0
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

# Never handed to MkDocs, hooks or plugins: the App's secrets and git credentials.
_SECRET_ENV = re.compile(r"^(KENNIS_|GIT_CONFIG_|GITHUB_TOKEN$|GH_TOKEN$)")


@dataclass(frozen=True)
class BuildResult:
    """How a build went: success, seconds spent in MkDocs, and its output."""

    ok: bool
    seconds: float
    log: str
    timed_out: bool = False

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


def build_timeout(env: dict[str, str] | None = None) -> float:
    raw = (os.environ if env is None else env).get("KENNIS_BUILD_TIMEOUT", "")
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    return env


def _git(*args: str, cwd: Path | None = None) -> None:
    result = subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", *args],
        cwd=cwd, env=git_env(), capture_output=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()[-1000:]
        raise BuildError(f"git {args[0]} failed: {detail}")


class BuildError(Exception):
    """Setting up the build failed (not the content: that is a failed `BuildResult`)."""


def checkout(mirror: GitReader, sha: str, work: Path) -> Path:
    """A real checkout of *sha* with full history, sharing the mirror's objects (no copy)."""
    # A blobless mirror fetches the blobs of this one tree in one round trip first.
    mirror.prefetch(sha, mirror.ls_tree(sha))
    work.parent.mkdir(parents=True, exist_ok=True)
    _git("clone", "--shared", "--no-checkout", "--quiet", str(mirror.git_dir), str(work))
    _git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", sha, cwd=work)
    return work


def mkdocs_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not _SECRET_ENV.match(k)}
    env.update(NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def run_mkdocs(work: Path, out: Path, timeout: float, log_path: Path) -> BuildResult:
    """``mkdocs build --strict`` in *work* into *out*, in its own process group, with a time limit."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-c", _CHILD, str(os.getpid()),
               "build", "--strict", "-f", "mkdocs.yml", "-d", str(out)]  # fmt: skip
    started = time.monotonic()
    timed_out = False
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command, cwd=work, env=mkdocs_env(), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
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
    prepare: Callable[[Path], None] | None = None,
    timeout: float | None = None,
    log_name: str | None = None,
) -> BuildResult:
    """Check *sha* out into a fresh work dir, let *prepare* adjust it, build into *out*."""
    work = store.work_dir / f"{sha[:12]}-{uuid.uuid4().hex[:8]}"
    shutil.rmtree(out, ignore_errors=True)
    try:
        checkout(mirror, sha, work)
        if prepare is not None:
            prepare(work)
        log_path = store.logs_dir / (log_name or f"{sha}.log")
        return run_mkdocs(work, out, build_timeout() if timeout is None else timeout, log_path)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def build_release(
    store: SiteStore, mirror: GitReader, sha: str, timeout: float | None = None
) -> BuildResult:
    """Build *sha* into ``releases/<sha>.partial`` and, only on success, rename it to the release."""
    partial = store.partial_dir(sha)
    try:
        result = build_in_checkout(store, mirror, sha, partial, timeout=timeout)
        if result.ok:
            store.commit_partial(sha)
        return result
    finally:
        shutil.rmtree(partial, ignore_errors=True)
