"""Self-hosted deploys: build pushes to the default branch, switch the live site, report it."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kennis.config import CONFIG_PATH, parse_config
from kennis.files import write_atomic
from kennis.gitrev import GitError, GitReader
from kennis.i18n import SOURCE_LANGUAGE, Translator, translator
from review_bot.credit import build_files
from review_bot.locks import KeyedLocks
from review_bot.routing import DeliveryContext, Router
from review_bot.settings import Settings
from review_bot.site.builder import BuildResult, build_release
from review_bot.site.releases import SHA, SiteStore

if TYPE_CHECKING:
    from github.Deployment import Deployment

log = logging.getLogger(__name__)

ENVIRONMENT = "kennis-site"
DESCRIPTION_LIMIT = 140  # GitHub refuses longer deployment status descriptions

# One lock per release store guards its wanted-commit slots and which repositories are building.
# One deploy at a time across replicas too (there is one live site).
_slot_locks: KeyedLocks[Path] = KeyedLocks(lambda _root: "deploy")
_building: set[str] = set()

router = Router()


def serves(ctx: DeliveryContext) -> bool:
    """Whether the delivery is about the one repository whose site the App publishes."""
    wanted, name = ctx.settings.site_repo, ctx.repo_full_name or ""
    if wanted is not None and name.lower() == wanted.lower():
        return True
    ctx.log.info(
        "ignoring %s of %s: this App publishes the site of %s only (KENNIS_SITE_REPO)",
        ctx.event,
        name or "an unnamed repository",
        wanted or "no repository",
    )
    return False


def build_env(settings: Settings) -> dict[str, str]:
    """The build's base environment: the children's, plus the files the App keeps for builds.

    Those are the open reader reports and the knowledge requests (no secrets in either).
    """
    from review_bot.requests import requests_file

    return {
        **settings.child_env,
        "KENNIS_FEEDBACK_REPORTS": str(settings.feedback_reports_file),
        "KENNIS_REQUESTS_FILE": str(requests_file(settings)),
    }


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


def withdrawn(mirror: GitReader, sha: str, wanted: str | None) -> bool:
    """Whether *sha* left the branch: the tip now wanted is another commit not built on it."""
    if wanted is None or wanted == sha:
        return False
    try:
        mirror.git("merge-base", "--is-ancestor", sha, wanted)
        return False
    except GitError:
        return True  # a force-push removed it (or the tip is unrelated): never publish it


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
        # The branch tip is what goes live, always: a force-push back to an older commit
        # (``forced: true``) deploys that commit; a late or retried push deploys today's tip.
        wanted = mirror.rev_parse(f"refs/heads/{branch}") or sha
        with _slot_locks.hold(self.sites.root):
            _set_slot(self.sites, self.repo, wanted)
            if self.repo in _building:
                note = f"a build is running; it continues with the branch tip {wanted[:12]}"
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
                self.deploy(mirror, target, reports)
            with _slot_locks.hold(self.sites.root):
                if _slots(self.sites).get(self.repo) == target:
                    _set_slot(self.sites, self.repo, None)
                    return

    def deploy(self, mirror: GitReader, sha: str, reports: list[DeploymentReport]) -> None:
        """Build *sha* and switch the live site only if the build succeeded and is still wanted."""
        # PyGithub spaces requests out (0.25 s; writes 1 s): GitHub is told beside the build.
        tr = translator(parse_config(mirror.read_file(sha, CONFIG_PATH))[0].language)
        report = DeploymentReport(self.ctx, sha, tr)
        report.start(after=reports[-1] if reports else None)
        reports.append(report)  # finished (a final status) whatever happens below
        try:
            self.sites.releases_dir.mkdir(parents=True, exist_ok=True)
            result = build_release(
                self.sites,
                mirror,
                sha,
                env={**build_env(self.ctx.settings), **build_files(self.ctx)},
                timeout=self.ctx.settings.build_timeout,
            )
            self._settle(mirror, sha, result, report)
        except Exception as exc:
            why = self._without_paths(f"not deployed: {exc}")
            report.conclude("error", tr._("not deployed: {why}", why=self._without_paths(str(exc))))
            journal(self.sites, delivery=self.ctx.delivery_id, sha=sha, outcome="error", error=why)
            raise  # the delivery is retried; the deployment says why meanwhile

    def _settle(
        self, mirror: GitReader, sha: str, result: BuildResult, report: DeploymentReport
    ) -> None:
        """Publish a good build that is still wanted; journal and report the outcome."""
        entry: dict[str, Any] = dict(
            delivery=self.ctx.delivery_id, sha=sha, seconds=round(result.seconds, 3)
        )
        if result.skipped:
            entry["skipped"] = list(result.skipped)
            self.ctx.log.warning(
                "%s: not built (links, submodules or special files): %s",
                sha[:12],
                ", ".join(result.skipped),
            )
        with _slot_locks.hold(self.sites.root):
            wanted = _slots(self.sites).get(self.repo)
        if result.ok and withdrawn(mirror, sha, wanted):
            assert wanted is not None
            why = f"not published: the branch was force-pushed to {wanted[:12]} meanwhile"
            report.conclude(
                "inactive",
                report.tr._(
                    "not published: the branch was force-pushed to {sha} meanwhile", sha=wanted[:12]
                ),
            )
            journal(self.sites, outcome="withdrawn", note=why, **entry)
            self.ctx.log.info("build of %s is not published: %s", sha[:12], why)
        elif result.ok:
            self.sites.activate(sha)
            live = live_description(result, report.tr)
            report.conclude("success", live, self.ctx.settings.public_url)
            journal(self.sites, outcome="live", **entry)
            self.ctx.log.info("site for %s is live (built in %.1fs)", sha[:12], result.seconds)
        else:
            report.conclude("failure", result.excerpt or report.tr._("the build failed"))
            journal(self.sites, outcome="failed", error=result.excerpt, **entry)
            self.ctx.log.warning("build of %s failed:\n%s", sha[:12], result.excerpt)

    def _without_paths(self, text: str) -> str:
        """*text* with the server's folders replaced (it is shown on GitHub)."""
        for folder, shown in ((self.sites.work_dir, "<build>"), (self.sites.root.parent, "<data>")):
            text = text.replace(str(folder.absolute()), shown)
        return text


def live_description(result: BuildResult, tr: Translator | None = None) -> str:
    """The success status text: build time, and what was left out of the site."""
    tr = tr or translator(SOURCE_LANGUAGE)
    seconds = format(result.seconds, ".1f")
    text = tr._("live (built in {seconds} s)", seconds=seconds)
    if result.skipped:
        skipped = ", ".join(result.skipped)
        text += "; " + tr._("not built, not a regular file: {paths}", paths=skipped)
    return text


class DeploymentReport:
    """A GitHub Deployment for one commit and its statuses (no-op without a GitHub App)."""

    def __init__(self, ctx: DeliveryContext, sha: str, tr: Translator | None = None) -> None:
        self.ctx = ctx
        self.sha = sha
        self.tr = tr or translator(SOURCE_LANGUAGE)  # the built commit's `language:`
        self.deployment: Deployment | None = None
        self.error: Exception | None = None
        self.outcome: tuple[str, str, str | None] | None = None  # state, description, URL
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
        if self.outcome is None:
            return
        deployment = self._ready()
        if deployment is None:
            return
        state, description, url = self.outcome
        extra: dict[str, Any] = {"environment_url": url} if url else {}
        if state == "success":
            extra["auto_inactive"] = True
        deployment.create_status(state, description=one_line(description), **extra)

    def conclude(self, state: str, description: str, url: str | None = None) -> None:
        """The final status to report: success, failure, error (could not build) or inactive."""
        self.outcome = (state, description, url)

    def begin(self) -> None:
        """Find or create the deployment and mark it in progress (runs beside the build)."""
        try:
            repo = self.ctx.github.get_repo(self.ctx.repo_full_name or "")
            # A retried delivery (e.g. after a restart) reuses its deployment, never adds one.
            found = next(iter(repo.get_deployments(sha=self.sha, environment=ENVIRONMENT)), None)
            deployment = found or repo.create_deployment(
                ref=self.sha,
                task="deploy",
                environment=ENVIRONMENT,
                auto_merge=False,
                required_contexts=[],
                description="kennis self-hosted site",
                production_environment=True,
                transient_environment=False,
            )
            building = self.tr._("building {sha}", sha=self.sha[:12])
            deployment.create_status("in_progress", description=building)
            self.deployment = deployment
        except RuntimeError as exc:  # no App configured: deploy anyway, report nothing
            self.ctx.log.info("not reporting a GitHub deployment: %s", exc)
        except Exception as exc:  # re-raised in the worker thread after the build
            self.error = exc

    def _ready(self) -> Deployment | None:
        if self.error is not None:
            raise self.error
        return self.deployment


def one_line(text: str) -> str:
    """*text* as one line GitHub accepts as a status description (at most 140 characters)."""
    text = " | ".join(line.strip() for line in text.splitlines() if line.strip())
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"
