"""Pull-request previews: the PR's content built with the base branch's configuration and code.

A preview never runs anything the pull request brings: the build is a checkout of the *base*
commit (its ``mkdocs.yml``, hooks, plugins and the App's Python) whose content directory is
replaced by the head's. Pull requests that change anything else the build reads get no preview,
and the sticky comment says why.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from kennis.config import CONFIG_PATH, parse_config
from kennis.gitrev import Change, GitError, GitReader
from review_bot import comments
from review_bot.builder import BuildError, build_in_checkout, error_excerpt
from review_bot.deploy import site_url, store
from review_bot.mirror import Mirror
from review_bot.routing import DeliveryContext, router
from review_bot.settings import data_dir_from_env
from review_bot.sites import SiteStore, swap_symlink, write_atomic

SECTION = (
    "preview"  # its part of the sticky comment: <!-- kennis:preview --> … <!-- /kennis:preview -->
)
_ALLOWED_OUTSIDE = re.compile(
    r"^(?:[^/]+\.(?:md|txt)|LICENSE[^/]*|\.gitignore|\.github/(?!kennis\.ya?ml$)(?!.*\.py$).+)$"
)
_CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pth", ".so")
_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


def enabled(env: dict[str, str] | None = None) -> bool:
    return (os.environ if env is None else env).get("KENNIS_PREVIEWS", "") == "1"


@dataclass(frozen=True)
class PreviewInfo:
    """What the review comment shows about a PR's preview: its URL and pages, or why there is none."""

    repo: str
    number: int
    head_sha: str
    url: str | None = None
    pages: tuple[tuple[str, str], ...] = ()  # (source path, page URL) of every touched page
    reason: str | None = None  # why there is no preview

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)


@dataclass(frozen=True)
class PreviewPlan:
    """Pure decision for one PR: build it (touching *pages*) or skip it for *reason*."""

    pages: tuple[str, ...] = ()
    reason: str | None = None


def _inside(path: str, content_dir: str) -> bool:
    return path.startswith(content_dir.strip("/") + "/")


def plan_preview(changes: Iterable[Change], content_dir: str) -> PreviewPlan:
    """Decide whether a PR with these changes may be previewed with the base configuration."""
    pages: list[str] = []
    code: list[str] = []
    build: list[str] = []
    for change in changes:
        for path in dict.fromkeys((change.old_path, change.new_path)):
            if path.endswith(_CODE_SUFFIXES):
                code.append(path)
            elif not _inside(path, content_dir) and not _ALLOWED_OUTSIDE.match(path):
                build.append(path)
        path = change.new_path
        if change.status != "D" and _inside(path, content_dir) and path.endswith(".md"):
            pages.append(path)
    if code or build:
        return PreviewPlan(reason=_skip_reason(code, build))
    return PreviewPlan(pages=tuple(pages))


def _skip_reason(code: list[str], build: list[str]) -> str:
    def names(paths: list[str]) -> str:
        shown = ", ".join(f"`{p}`" for p in paths[:5])
        return shown + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")

    parts = []
    if build:
        parts.append(f"{names(build)}, which the site's build configuration is made of")
    if code:
        parts.append(f"Python code ({names(code)})")
    return "it changes " + " and ".join(parts)


def page_url(path: str, content_dir: str) -> str:
    """The site-relative URL MkDocs gives a page (``use_directory_urls``)."""
    rel = path[len(content_dir.strip("/")) + 1 :].removesuffix(".md")
    stem, _, name = rel.rpartition("/")
    if name.lower() in ("index", "readme"):
        return f"{stem}/" if stem else ""
    return f"{rel}/"


def unsafe_entries(mirror: GitReader, rev: str, content_dir: str) -> list[str]:
    """Symbolic links and submodules in the content directory (a link could publish host files)."""
    out = mirror.git("ls-tree", "-r", "-z", "--full-tree", rev, "--", content_dir.strip("/") + "/")
    found = []
    for entry in out.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = entry.partition("\t")
        if meta.startswith(("120000", "160000")):
            found.append(path)
    return found


# -- state on disk -------------------------------------------------------------------------------


def _info_path(sites: SiteStore, number: int) -> Path:
    return sites.previews_dir / "info" / f"pr-{number}.json"


def preview_summary(repo_full_name: str, pr_number: int) -> PreviewInfo | None:
    """The preview of a PR for the review comment: URL and touched pages, or the skip reason."""
    try:
        data = json.loads(_info_path(store(), pr_number).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if str(data.get("repo", "")).lower() != repo_full_name.lower():
        return None
    data["pages"] = tuple(tuple(p) for p in data.get("pages", ()))
    return PreviewInfo(**data)


def remove_preview(sites: SiteStore, number: int) -> None:
    link = sites.previews_dir / f"pr-{number}"
    link.unlink(missing_ok=True)
    for old in (sites.previews_dir / "builds").glob(f"pr-{number}-*"):
        shutil.rmtree(old, ignore_errors=True)


def _publish(sites: SiteStore, number: int, built: Path) -> None:
    final = built.with_name(built.name.removesuffix(".partial"))
    shutil.rmtree(final, ignore_errors=True)
    built.rename(final)
    swap_symlink(sites.previews_dir / f"pr-{number}", os.path.join("builds", final.name))
    for old in (sites.previews_dir / "builds").glob(f"pr-{number}-*"):
        if old != final:
            shutil.rmtree(old, ignore_errors=True)


# -- the handler ---------------------------------------------------------------------------------


@router.on("pull_request", "opened", "synchronize", "reopened", "closed")
def on_pull_request(ctx: DeliveryContext) -> None:
    """Build, refresh or remove the PR's preview and keep the sticky comment current."""
    pull = ctx.payload.get("pull_request")
    if not enabled() or not isinstance(pull, dict) or not ctx.repo_full_name:
        return
    number = int(ctx.payload.get("number") or pull["number"])
    sites = SiteStore.from_env(data_dir_from_env())
    with _lock_for(number):
        if ctx.action == "closed":
            remove_preview(sites, number)
            _info_path(sites, number).unlink(missing_ok=True)
            upsert_comment(
                ctx, number, "The preview was removed: the pull request is closed.", create=False
            )
            return
        info = build_preview(ctx, sites, number, pull)
        write_atomic(_info_path(sites, number), info.to_json())
        upsert_comment(ctx, number, render_comment(info))


def _lock_for(number: int) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(number, threading.Lock())


def _fetch(mirror: Mirror, number: int, base_ref: str, shas: Iterable[str]) -> None:
    mirror.fetch(base_ref)
    with contextlib.suppress(GitError):  # a remote without pull refs: fetch the commits below
        mirror.fetch(f"refs/pull/{number}/head")
    for sha in shas:
        if mirror.rev_parse(sha) is None:
            mirror.fetch(sha)


def build_preview(
    ctx: DeliveryContext, sites: SiteStore, number: int, pull: dict[str, object]
) -> PreviewInfo:
    head, base = pull["head"], pull["base"]
    assert isinstance(head, dict) and isinstance(base, dict)
    head_sha, base_sha = str(head["sha"]), str(base["sha"])
    mirror = ctx.mirror
    _fetch(mirror, number, str(base["ref"]), (base_sha, head_sha))
    config, _ = parse_config(mirror.read_file(base_sha, CONFIG_PATH))
    content_dir = config.content_dir.strip("/")
    plan = plan_preview(mirror.diff_name_status(base_sha, head_sha), content_dir)
    reason = plan.reason
    if reason is None and (links := unsafe_entries(mirror, head_sha, content_dir)):
        reason = f"`{links[0]}` is a symbolic link or submodule"
    info = PreviewInfo(ctx.repo_full_name or "", number, head_sha)
    if reason is not None:
        remove_preview(sites, number)  # an older preview would no longer match the PR
        return PreviewInfo(**{**asdict(info), "reason": reason})

    def prepare(work: Path) -> None:
        # Only the content directory comes from the pull request; everything else is the base's.
        mirror.prefetch(head_sha, mirror.ls_tree(head_sha, content_dir))
        shutil.rmtree(work / content_dir, ignore_errors=True)
        from review_bot.builder import _git

        _git("checkout", head_sha, "--", content_dir + "/", cwd=work)

    out = sites.previews_dir / "builds" / f"pr-{number}-{head_sha[:12]}.partial"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        result = build_in_checkout(
            sites, mirror, base_sha, out, prepare=prepare, log_name=f"pr-{number}-{head_sha}.log"
        )
    except BuildError as exc:
        shutil.rmtree(out, ignore_errors=True)
        return PreviewInfo(**{**asdict(info), "reason": f"it could not be checked out ({exc})"})
    if not result.ok:
        shutil.rmtree(out, ignore_errors=True)
        remove_preview(sites, number)
        excerpt = error_excerpt(result.log, result.timed_out)
        return PreviewInfo(**{**asdict(info), "reason": f"the build failed:\n{excerpt}"})
    _publish(sites, number, out)
    root = f"{site_url() or '/'}previews/pr-{number}/"
    pages = tuple((p, root + page_url(p, content_dir)) for p in plan.pages)
    return PreviewInfo(ctx.repo_full_name or "", number, head_sha, root, pages)


# -- the sticky comment --------------------------------------------------------------------------


def render_comment(info: PreviewInfo) -> str:
    if info.url is None:
        return (
            f"**No preview** for {info.head_sha[:12]} because {info.reason}.\n\n"
            "Previews build only the pull request's content, with the base branch's "
            "configuration, so that a pull request never runs its own code on the App's server. "
            "The site is built as usual once the change is reviewed and merged."
        )
    lines = [f"**Preview** of {info.head_sha[:12]}: {info.url}"]
    if info.pages:
        lines += ["", "Changed pages:"] + [f"- [{path}]({url})" for path, url in info.pages]
    return "\n".join(lines)


def upsert_comment(ctx: DeliveryContext, number: int, body: str, *, create: bool = True) -> None:
    """Put the preview section into the PR's sticky kennis comment (edited in place, never twice)."""
    try:
        pull = ctx.github.get_repo(ctx.repo_full_name or "", lazy=True).get_pull(number)
    except RuntimeError as exc:
        ctx.log.info("not commenting on #%d: %s", number, exc)
        return
    comments.upsert_section(pull, SECTION, body, create=create)
