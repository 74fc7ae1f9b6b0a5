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
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from kennis.config import CONFIG_PATH, parse_config
from kennis.files import write_atomic
from kennis.gitrev import Change, GitError, GitReader
from kennis.i18n import SOURCE_LANGUAGE, Translator, translator
from kennis.kb import content_dir_of
from kennis.markdown import code
from kennis.paths import is_under
from kennis.urls import page_url
from review_bot import comments
from review_bot.language import repo_translator
from review_bot.locks import KeyedLocks
from review_bot.mirror import Mirror
from review_bot.routing import DeliveryContext, Router
from review_bot.site.builder import BuildError, build_in_checkout, error_excerpt
from review_bot.site.deploy import serves, store
from review_bot.site.releases import SiteStore, swap_symlink
from review_bot.site.trusted import ALWAYS_PROTECTED, Protected, protected_paths

if TYPE_CHECKING:
    from github.PullRequest import PullRequest as GhPullRequest

SECTION = (
    "preview"  # its part of the sticky comment: <!-- kennis:preview --> … <!-- /kennis:preview -->
)
_ALLOWED_OUTSIDE = re.compile(
    r"^(?:[^/]+\.(?:md|txt)|LICENSE[^/]*|\.gitignore|\.github/(?!kennis\.ya?ml$)(?!.*\.py$).+)$"
)
_CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pth", ".so")
_pr_locks: KeyedLocks[tuple[str, int]] = KeyedLocks()  # one preview build per PR at a time

router = Router()


@dataclass(frozen=True)
class PreviewInfo:
    """What the review comment shows about a PR's preview: its URL and pages, or why there is none."""

    repo: str
    number: int
    head_sha: str
    url: str | None = None
    pages: tuple[tuple[str, str], ...] = ()  # (source path, page URL) of every touched page
    reason: str | None = None  # why there is no preview
    log: str = ""  # the build's error lines, paths made repository-relative

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)


@dataclass(frozen=True)
class PreviewPlan:
    """Pure decision for one PR: build it (touching *pages*) or skip it for *reason*."""

    pages: tuple[str, ...] = ()
    reason: str | None = None


def plan_preview(
    changes: Iterable[Change],
    content_dir: str,
    protected: Iterable[Protected] = (),
    tr: Translator | None = None,
) -> PreviewPlan:
    """Decide whether a PR with these changes may be previewed with the base configuration.

    *protected* are the paths the base configuration executes or renders as templates
    (`trusted.protected_paths`); the configuration files themselves always are.
    """
    guards, tr = (*ALWAYS_PROTECTED, *protected), tr or translator(SOURCE_LANGUAGE)
    pages: list[str] = []
    python: list[str] = []
    build: list[str] = []
    guarded: list[tuple[str, str]] = []  # (path, the setting that names it)
    for change in changes:
        for path in dict.fromkeys((change.old_path, change.new_path)):
            if hit := next((g for g in guards if is_under(path, g.path)), None):
                guarded.append((path, hit.setting))
            elif path.endswith(_CODE_SUFFIXES):
                python.append(path)
            elif not is_under(path, content_dir.strip("/")) and not _ALLOWED_OUTSIDE.match(path):
                build.append(path)
        path = change.new_path
        if change.status != "D" and is_under(path, content_dir.strip("/")) and path.endswith(".md"):
            pages.append(path)
    if guarded:
        return PreviewPlan(reason=_guarded_reason(guarded, tr))
    if python or build:
        return PreviewPlan(reason=_skip_reason(python, build, tr))
    return PreviewPlan(pages=tuple(pages))


def _names(paths: list[str], tr: Translator) -> str:
    shown = ", ".join(code(p) for p in paths[:5])
    return shown + (tr._(" and {n} more", n=len(paths) - 5) if len(paths) > 5 else "")


def _guarded_reason(guarded: list[tuple[str, str]], tr: Translator) -> str:
    settings = list(dict.fromkeys(setting for _, setting in guarded))
    return tr._(
        "it changes {paths}, which the base branch's configuration runs or renders as a "
        "template ({settings})",
        paths=_names([path for path, _ in guarded], tr),
        settings=", ".join(code(s) for s in settings[:5]),
    )


def _skip_reason(python: list[str], build: list[str], tr: Translator) -> str:
    parts = []
    if build:
        parts.append(
            tr._(
                "{paths}, which the site's build configuration is made of", paths=_names(build, tr)
            )
        )
    if python:
        parts.append(tr._("Python code ({paths})", paths=_names(python, tr)))
    return tr._("it changes {what}", what=tr._(" and ").join(parts))


def page_links(root: str, content_dir: str, pages: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """(source path, preview URL) of each page, percent-encoded like the live site's links."""
    return tuple((path, page_url(root, content_dir, path) or root) for path in pages)


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


def preview_summary(sites: SiteStore, repo_full_name: str, pr_number: int) -> PreviewInfo | None:
    """The preview of a PR for the review comment: URL and touched pages, or the skip reason."""
    try:
        data = json.loads(_info_path(sites, pr_number).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or str(data.get("repo", "")).lower() != repo_full_name.lower():
        return None
    known = {f.name for f in fields(PreviewInfo)}
    data = {k: v for k, v in data.items() if k in known}
    data["pages"] = tuple(tuple(p) for p in data.get("pages", ()))
    try:
        return PreviewInfo(**data)
    except TypeError:  # written by another version: no summary rather than a crash
        return None


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
    if not ctx.settings.previews or not isinstance(pull, dict) or not serves(ctx):
        return
    repo = ctx.repo_full_name or ""
    number = int(ctx.payload.get("number") or pull["number"])
    sites = store(ctx.settings)
    with _pr_locks.hold((repo.lower(), number)):
        if ctx.action == "closed":
            close_preview(ctx, sites, number)
            return
        head = pull.get("head")
        head_sha = str(head.get("sha")) if isinstance(head, dict) else ""
        # A retried or late delivery must not put an outdated preview back: a newer delivery
        # (or the "closed" one) is the one that acts for the pull request as it is now.
        if (why := outdated(ctx, number, head_sha)) is not None:
            ctx.log.info("no preview of #%d at %s: %s", number, head_sha[:12], why)
            return
        info = build_preview(ctx, sites, number, pull)
        if info is None:
            return
        write_atomic(_info_path(sites, number), info.to_json())
        base = pull.get("base")
        tr = _language_at(ctx.mirror, str(base.get("sha")) if isinstance(base, dict) else "")
        upsert_comment(ctx, number, render_comment(info, tr))


def close_preview(ctx: DeliveryContext, sites: SiteStore, number: int) -> None:
    """Remove a closed PR's preview (unless it was reopened since: then it stays)."""
    pr = _pull(ctx, number)
    if pr is not None and pr.state == "open":
        ctx.log.info("#%d was reopened since it closed: its preview stays", number)
        return
    remove_preview(sites, number)
    _info_path(sites, number).unlink(missing_ok=True)
    removed = repo_translator(ctx)._("The preview was removed: the pull request is closed.")
    upsert_comment(ctx, number, removed, create=False)


def _pull(ctx: DeliveryContext, number: int) -> GhPullRequest | None:
    """The pull request as GitHub has it now, or None without a GitHub App."""
    try:
        return ctx.github.get_repo(ctx.repo_full_name or "", lazy=True).get_pull(number)
    except RuntimeError:
        return None


def outdated(ctx: DeliveryContext, number: int, head_sha: str) -> str | None:
    """Why a preview of *head_sha* would be outdated (closed, head moved), or None if current."""
    pr = _pull(ctx, number)
    if pr is not None:
        if pr.state != "open":
            return "the pull request is closed"
        if pr.head.sha != head_sha:
            return f"its head moved on to {pr.head.sha[:12]}"
        return None
    # Without a GitHub App (air-gapped mirrors) the remote's pull ref is the best witness.
    with contextlib.suppress(GitError):
        ctx.mirror.fetch(f"refs/pull/{number}/head")
    now = ctx.mirror.rev_parse(f"refs/pull/{number}/head")
    return f"its head moved on to {now[:12]}" if now not in (None, head_sha) else None


def _fetch(mirror: Mirror, number: int, base_ref: str, shas: Iterable[str]) -> None:
    mirror.fetch(base_ref)
    with contextlib.suppress(GitError):  # a remote without pull refs: fetch the commits below
        mirror.fetch(f"refs/pull/{number}/head")
    for sha in shas:
        if mirror.rev_parse(sha) is None:
            mirror.fetch(sha)


def _language_at(mirror: Mirror, sha: str) -> Translator:
    """The base side's ``language:`` (like its configuration, the base decides)."""
    return translator(parse_config(mirror.read_file(sha, CONFIG_PATH))[0].language)


def build_preview(
    ctx: DeliveryContext, sites: SiteStore, number: int, pull: dict[str, object]
) -> PreviewInfo | None:
    """Build and publish the preview (or say why not); None if the PR moved on meanwhile."""
    head, base = pull["head"], pull["base"]
    assert isinstance(head, dict) and isinstance(base, dict)
    head_sha, base_sha = str(head["sha"]), str(base["sha"])
    mirror = ctx.mirror
    _fetch(mirror, number, str(base["ref"]), (base_sha, head_sha))
    # The base's settings name the folder (kennis.yml's content_dir, else mkdocs.yml's docs_dir).
    content_dir = content_dir_of(lambda path: mirror.read_file(base_sha, path)).strip("/")
    protected = protected_paths(lambda path: mirror.read_file(base_sha, path))
    changes = ctx.pull_request(number, base_sha, head_sha).changes
    tr = _language_at(mirror, base_sha)
    plan = plan_preview(changes, content_dir, protected, tr)
    reason = plan.reason
    if reason is None and (links := unsafe_entries(mirror, head_sha, content_dir)):
        reason = tr._("{path} is a symbolic link or submodule", path=code(links[0]))
    info = PreviewInfo(ctx.repo_full_name or "", number, head_sha)
    if reason is not None:
        remove_preview(sites, number)  # an older preview would no longer match the PR
        return PreviewInfo(**{**asdict(info), "reason": reason})

    # Only the content directory comes from the pull request; everything else is the base's.
    out = sites.previews_dir / "builds" / f"pr-{number}-{head_sha[:12]}.partial"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        result = build_in_checkout(
            sites,
            mirror,
            base_sha,
            out,
            overlay=(head_sha, content_dir),
            env=ctx.settings.child_env,
            timeout=ctx.settings.build_timeout,
            log_name=f"pr-{number}-{head_sha}.log",
            preview=True,
        )
    except BuildError as exc:
        shutil.rmtree(out, ignore_errors=True)
        log = server_paths_removed(str(exc), sites)
        failed = tr._("it could not be checked out")
        return PreviewInfo(**{**asdict(info), "reason": failed, "log": log})
    if not result.ok:
        shutil.rmtree(out, ignore_errors=True)
        remove_preview(sites, number)
        log = server_paths_removed(error_excerpt(result.log, result.timed_out), sites)
        return PreviewInfo(**{**asdict(info), "reason": tr._("the build failed"), "log": log})
    if (why := outdated(ctx, number, head_sha)) is not None:  # it moved while we built
        shutil.rmtree(out, ignore_errors=True)
        ctx.log.info("not publishing the preview of #%d at %s: %s", number, head_sha[:12], why)
        return None
    _publish(sites, number, out)
    root = f"{ctx.settings.public_url or '/'}previews/pr-{number}/"
    pages = page_links(root, content_dir, plan.pages)
    return PreviewInfo(ctx.repo_full_name or "", number, head_sha, root, pages)


def server_paths_removed(text: str, sites: SiteStore) -> str:
    """Build output with the server's paths gone: checkout paths become repository-relative."""
    for work in dict.fromkeys((os.path.abspath(sites.work_dir), os.path.realpath(sites.work_dir))):
        text = re.sub(re.escape(work) + r"/[^/\s'\"]+/?", "", text)
    for root, shown in ((sites.root, "<data>"), (Path(sys.prefix), "<python>")):
        for path in dict.fromkeys((os.path.abspath(root), os.path.realpath(root))):
            text = text.replace(path, shown)
    return text


# -- the sticky comment --------------------------------------------------------------------------

LOG_LINE_LIMIT = 300


def fenced(text: str) -> str:
    """*text* in a ```text block it cannot close or leave (no runs of three backticks)."""
    lines = [re.sub(r"`{3,}", "`", line)[:LOG_LINE_LIMIT] for line in text.splitlines()]
    return "```text\n" + "\n".join(lines) + "\n```"


def render_comment(info: PreviewInfo, tr: Translator | None = None) -> str:
    tr, sha = tr or translator(SOURCE_LANGUAGE), info.head_sha[:12]
    if info.url is None:
        parts = [tr._("**No preview** for {sha} because {reason}.", sha=sha, reason=info.reason)]
        if info.log.strip():
            parts.append(fenced(info.log))
        why = tr._(
            "Previews build only the pull request's content, with the base branch's "
            "configuration, so that a pull request never runs its own code on the App's server. "
            "The site is built as usual once the change is reviewed and merged."
        )
        return "\n\n".join([*parts, why])
    lines = [tr._("**Preview** of {sha}: {url}", sha=sha, url=info.url)]
    if info.pages:
        lines += ["", tr._("Changed pages:")]
        lines += [f"- [{code(path)}]({url})" for path, url in info.pages]
    return "\n".join(lines)


def upsert_comment(ctx: DeliveryContext, number: int, body: str, *, create: bool = True) -> None:
    """Put the preview section into the PR's sticky kennis comment (edited in place, never twice)."""
    try:
        pull = ctx.github.get_repo(ctx.repo_full_name or "", lazy=True).get_pull(number)
    except RuntimeError as exc:
        ctx.log.info("not commenting on #%d: %s", number, exc)
        return
    comments.upsert_section(pull, SECTION, body, create=create)
