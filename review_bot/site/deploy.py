"""Self-hosted deploys: build pushes to the default branch, switch the live site, report it."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kennis.gitrev import GitError, GitReader
from review_bot.locks import KeyedLocks
from review_bot.routing import DeliveryContext, Router
from review_bot.settings import Settings
from review_bot.site.builder import BuildResult, build_release
from review_bot.site.releases import SHA, SiteStore, write_atomic

if TYPE_CHECKING:
    from github.Deployment import Deployment

log = logging.getLogger(__name__)

ENVIRONMENT = "kennis-site"
DESCRIPTION_LIMIT = 140  # GitHub refuses longer deployment status descriptions

# One lock per release store guards its wanted-commit slots and which repositories are building.
_slot_locks: KeyedLocks[Path] = KeyedLocks()
_building: set[str] = set()

router = Router()


def serves(ctx: DeliveryContext) -> bool:
    """Whether the delivery is about the one repository whose site the App publishes."""
    wanted, name = ctx.settings.site_repo, ctx.repo_full_name or ""
    if wanted is not None and name.lower() == wanted.lower():
        return True
    ctx.log.info(
        "ignoring %s of %s: this App publishes the site of %s only (KENNIS_SITE_REPO)",
        ctx.event, name or "an unnamed repository", wanted or "no repository",
    )  # fmt: skip
    return False


def self_url(host: str, port: int, site_url: str | None = None) -> str:
    """The App's own address for links: *site_url* if set, else where the App listens.

    A wildcard bind (``0.0.0.0``, ``::``) is no address anyone can open: loopback is.
    """
    if site_url:
        return site_url.rstrip("/") + "/"
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal in a URL
    return f"http://{host}:{port}/"


def store(settings: Settings) -> SiteStore:
    """The release store under the data directory, keeping ``KENNIS_KEEP_RELEASES`` releases."""
    return SiteStore(settings.sites_dir, settings.keep_releases)


# -- the wanted-commit slot: the newest commit each repository wants live ---------------------


def _slot_file(sites: SiteStore) -> Path:
    return sites.root / "wanted.json"


def _slots(sites: SiteStore) -> dict[str, str]:
    try:
        data = json.loads(_slot_file(sites).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def _set_slot(sites: SiteStore, repo: str, sha: str | None) -> None:
    slots = _slots(sites)
    if sha is None:
        slots.pop(repo, None)
    else:
        slots[repo] = sha
    write_atomic(_slot_file(sites), json.dumps(slots, indent=1, sort_keys=True))


def newest(mirror: GitReader, current: str | None, incoming: str, tip: str | None) -> str:
    """The later of two commits of one branch (a force-push: the branch tip, else *incoming*)."""
    if current is None or current == incoming:
        return incoming
    for older, later in ((current, incoming), (incoming, current)):
        try:
            mirror.git("merge-base", "--is-ancestor", older, later)
            return later
        except GitError:
            continue
    return current if tip == current else incoming


def journal(sites: SiteStore, **entry: Any) -> None:
    """Append one line to ``deploys.jsonl``: what happened to which push, and why."""
    sites.root.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"at": round(time.time(), 3), **entry}, sort_keys=True) + "\n"
    with (sites.root / "deploys.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(line)


# -- the handler ---------------------------------------------------------------------------------


@router.on("push")
def on_push(ctx: DeliveryContext) -> None:
    """Build the pushed commit (or a newer one) when the push is to the default branch."""
    if not ctx.settings.deploy or not serves(ctx):
        return
    payload = ctx.payload
    branch = ctx.repository.get("default_branch") or ctx.repository.get("master_branch")
    sha = payload.get("after")
    if payload.get("ref") != f"refs/heads/{branch}" or payload.get("deleted"):
        return
    if not isinstance(sha, str) or not SHA.match(sha):
        return
    Deployer(ctx, store(ctx.settings)).request(sha, str(branch))


class Deployer:
    """One repository's deploys: coalesce requests, build one commit at a time, switch, report."""

    def __init__(self, ctx: DeliveryContext, sites: SiteStore) -> None:
        self.ctx = ctx
        self.sites = sites
        self.repo = ctx.repo_full_name or ""

    def request(self, sha: str, branch: str) -> None:
        mirror = self.ctx.mirror
        mirror.fetch(branch)
        if mirror.rev_parse(sha) is None:
            mirror.fetch(sha)
        tip = mirror.rev_parse(f"refs/heads/{branch}")
        with _slot_locks.hold(self.sites.root):
            wanted = newest(mirror, _slots(self.sites).get(self.repo), sha, tip)
            _set_slot(self.sites, self.repo, wanted)
            if self.repo in _building:
                note = f"a build is running; it continues with the newest commit {wanted[:12]}"
                journal(
                    self.sites,
                    delivery=self.ctx.delivery_id,
                    sha=sha,
                    outcome="coalesced",
                    note=note,
                )
                self.ctx.log.info("push %s coalesced: %s", sha[:12], note)
                return
            _building.add(self.repo)
        reports: list[DeploymentReport] = []
        try:
            self._drain(mirror, reports)
        finally:
            with _slot_locks.hold(self.sites.root):
                _building.discard(self.repo)
            # GitHub hears about the outcomes after the builder is free for the next push.
            for report in reports:
                report.finish()

    def _drain(self, mirror: GitReader, reports: list[DeploymentReport]) -> None:
        """Build the wanted commit until no newer one arrived meanwhile."""
        while True:
            with _slot_locks.hold(self.sites.root):
                target = _slots(self.sites).get(self.repo)
            if target is None:
                return
            if self.sites.current() == target:
                journal(
                    self.sites, delivery=self.ctx.delivery_id, sha=target, outcome="already-live"
                )
            else:
                reports.append(self.deploy(mirror, target, reports[-1] if reports else None))
            with _slot_locks.hold(self.sites.root):
                if _slots(self.sites).get(self.repo) == target:
                    _set_slot(self.sites, self.repo, None)
                    return

    def deploy(
        self, mirror: GitReader, sha: str, previous: DeploymentReport | None
    ) -> DeploymentReport:
        """Build *sha* and switch the live site only if the build succeeded."""
        # PyGithub spaces requests out (0.25 s; writes 1 s): GitHub is told beside the build.
        report = DeploymentReport(self.ctx, sha)
        report.start(after=previous)
        self.sites.releases_dir.mkdir(parents=True, exist_ok=True)
        report.result = result = build_release(
            self.sites, mirror, sha,
            env=self.ctx.settings.child_env, timeout=self.ctx.settings.build_timeout,
        )  # fmt: skip
        entry = dict(delivery=self.ctx.delivery_id, sha=sha, seconds=round(result.seconds, 3))
        if result.ok:
            self.sites.activate(sha)
            journal(self.sites, outcome="live", **entry)
            self.ctx.log.info("site for %s is live (built in %.1fs)", sha[:12], result.seconds)
        else:
            journal(self.sites, outcome="failed", error=result.excerpt, **entry)
            self.ctx.log.warning("build of %s failed:\n%s", sha[:12], result.excerpt)
        return report


class DeploymentReport:
    """A GitHub Deployment for one commit and its statuses (no-op without a GitHub App)."""

    def __init__(self, ctx: DeliveryContext, sha: str) -> None:
        self.ctx = ctx
        self.sha = sha
        self.deployment: Deployment | None = None
        self.error: Exception | None = None
        self.result: BuildResult | None = None
        self._thread: threading.Thread | None = None

    def start(self, after: DeploymentReport | None = None) -> None:
        """Begin reporting on a thread (after *after*'s start: one GitHub client, one user)."""
        if after is not None and after._thread is not None:
            after._thread.join()
        self._thread = threading.Thread(target=self.begin, name=f"deploy-{self.sha[:8]}")
        self._thread.start()

    def finish(self) -> None:
        """Wait for the in-progress status, then report the build's outcome."""
        if self._thread is not None:
            self._thread.join()
        if self.result is None:
            return  # the build itself raised: the delivery is retried and reports again
        if self.result.ok:
            self.success(self.ctx.settings.public_url, self.result.seconds)
        else:
            self.failure(self.result.excerpt)

    def begin(self) -> None:
        """Find or create the deployment and mark it in progress (runs beside the build)."""
        try:
            repo = self.ctx.github.get_repo(self.ctx.repo_full_name or "")
            # A retried delivery (e.g. after a restart) reuses its deployment, never adds one.
            found = next(iter(repo.get_deployments(sha=self.sha, environment=ENVIRONMENT)), None)
            deployment = found or repo.create_deployment(
                ref=self.sha, task="deploy", environment=ENVIRONMENT, auto_merge=False,
                required_contexts=[], description="kennis self-hosted site",
                production_environment=True, transient_environment=False,
            )  # fmt: skip
            deployment.create_status("in_progress", description=f"building {self.sha[:12]}")
            self.deployment = deployment
        except RuntimeError as exc:  # no App configured: deploy anyway, report nothing
            self.ctx.log.info("not reporting a GitHub deployment: %s", exc)
        except Exception as exc:  # re-raised in the worker thread after the build
            self.error = exc

    def _ready(self) -> Deployment | None:
        if self.error is not None:
            raise self.error
        return self.deployment

    def success(self, url: str | None, seconds: float) -> None:
        deployment = self._ready()
        if deployment is None:
            return
        extra = {"environment_url": url} if url else {}
        deployment.create_status(
            "success", description=f"live (built in {seconds:.1f} s)", auto_inactive=True, **extra
        )

    def failure(self, excerpt: str) -> None:
        deployment = self._ready()
        if deployment is None:
            return
        text = " | ".join(line.strip() for line in excerpt.splitlines() if line.strip())
        text = text or "the build failed"
        if len(text) > DESCRIPTION_LIMIT:
            text = text[: DESCRIPTION_LIMIT - 1] + "…"
        deployment.create_status("failure", description=text)
