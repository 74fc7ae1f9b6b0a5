"""The freshness scan: keep one review-due issue per owner, from the mirror, within the API budget.

Reads come from the local mirror (pages, history) plus one paginated list of open review-due
issues and one of collaborators per repository; writes happen only for owners whose list changed,
one call each (create with labels and assignees, edit, or close with a thank-you body). GitHub's
conditional requests (ETags) are not used: PyGithub does not expose them for paginated lists, and
the two lists are a handful of calls per repository either way.

A scan that hits the rate limit stops, says "incomplete: resumes next time" and never reports
success; everything it planned is recomputed and applied by the next scan.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from github import Auth, Github, GithubException
from github.PaginatedList import PaginatedList
from github.Repository import Repository

from kennis import feedback
from kennis.due_issue import LABEL, LABEL_COLOR, label_description, parse_issue
from kennis.errors import KennisError
from kennis.handles import handle_key, is_bot
from kennis.history_build import index_for
from kennis.i18n import Translator, translator
from kennis.kb import KnowledgeBase, load_kb
from kennis.scan import IssueAction, ScanPlan, folder_owners, plan_scan
from kennis.status import assess_pages
from review_bot.github_client import GitHubApp, RateLimited, rate_limit_of
from review_bot.ledger import DeliveryLedger
from review_bot.locks import KeyedLocks
from review_bot.mirror import Mirror
from review_bot.nudges import nudge_pulls
from review_bot.routing import DeliveryContext, Router
from review_bot.settings import ConfigError, Settings

log = logging.getLogger(__name__)

SCAN_EVENT = "kennis_scan"

router = Router()


@dataclass(frozen=True)
class Target:
    """One repository to scan, with the client and token of its installation."""

    full_name: str
    clone_url: str
    default_branch: str
    client: Github
    token: Callable[[], str] | None = None


@dataclass
class RepoResult:
    """What one repository's scan did."""

    repo: str
    due_pages: int = 0
    owners: int = 0
    writes: dict[str, int] = field(default_factory=dict)
    escalated: int = 0
    incomplete: str | None = None
    resume_at: float | None = None

    def line(self) -> str:
        done = ", ".join(f"{n} {kind}" for kind, n in sorted(self.writes.items())) or "no writes"
        text = f"{self.repo}: {self.due_pages} pages due for {self.owners} owners; {done}"
        if self.escalated:
            text += f"; {self.escalated} escalated"
        if self.incomplete:
            text += f" — incomplete: {self.incomplete}; resumes next time"
        return text


@dataclass
class ScanReport:
    results: list[RepoResult] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(r.incomplete is None for r in self.results)

    @property
    def resume_at(self) -> float | None:
        times = [r.resume_at for r in self.results if r.resume_at is not None]
        return max(times) if times else None


# -- which repositories ------------------------------------------------------------------------


def app_targets(app: GitHubApp, only: str | None = None) -> Iterator[Target]:
    """Every repository of every installation (``GET /installation/repositories`` per install)."""
    for installation_id in app.installation_ids():
        client = app.client(installation_id)
        repos: PaginatedList[Repository] = PaginatedList(
            Repository,
            client.requester,
            "/installation/repositories",
            {"per_page": 100},
            list_item="repositories",
        )
        for repo in repos:
            if only is None or repo.full_name.lower() == only.lower():
                token = _token_of(app, installation_id)
                yield Target(repo.full_name, repo.clone_url, repo.default_branch, client, token)


def _token_of(app: GitHubApp, installation_id: int) -> Callable[[], str]:
    return lambda: app.token(installation_id)


def token_target(token: str, base_url: str, full_name: str) -> Target:
    """A repository scanned with a ready installation token (GitHub Actions' App token)."""
    client = Github(auth=Auth.Token(token), base_url=base_url)
    repo = client.get_repo(full_name)
    return Target(repo.full_name, repo.clone_url, repo.default_branch, client, lambda: token)


# -- one repository ----------------------------------------------------------------------------


def load_repository(target: Target, mirrors_root: Path, as_of: date) -> tuple[KnowledgeBase, Any]:
    """Fetch the default branch into the mirror; the knowledge base and its page statuses.

    Both are read at the branch's commit: the mirror's HEAD stays where it is.
    """
    mirror = _mirror(target, mirrors_root)
    mirror.fetch(target.default_branch)
    ref = f"refs/heads/{target.default_branch}"
    kb = load_kb(mirror.tree_at(ref))
    return kb, assess_pages(kb, index_for(mirror, kb.config, rev=ref), as_of)


def _mirror(target: Target, mirrors_root: Path) -> Mirror:
    token = target.token if target.clone_url.startswith("https://") else None
    return Mirror.for_repository(mirrors_root, target.full_name, target.clone_url, token)


def existing_issues(repo: Repository) -> tuple[list[Any], dict[int, Any]]:
    """Open review-due issues the App wrote (one paginated call), parsed, and by number."""
    parsed, raw = [], {}
    for issue in repo.get_issues(state="open", labels=[LABEL]):
        if issue.pull_request is not None or not is_bot(issue.user.login):
            continue
        found = parse_issue(
            issue.number, issue.title, issue.body, [a.login for a in issue.assignees]
        )
        if found is not None:
            parsed.append(found)
            raw[issue.number] = issue
    return parsed, raw


def inactive_owners(repo: Repository, kb: KnowledgeBase, due: list[Any]) -> set[str]:
    """User owners of due pages who are no longer collaborators (one paginated call)."""
    owners = {s.page.owner.handle for s in due if s.page.owner and not s.page.owner.handle.is_team}
    if not owners:
        return set()
    members = {handle_key(user.login) for user in repo.get_collaborators()}
    return {h.key for h in owners if h.key not in members}


def reported_pages(repo: Repository) -> set[str]:
    """Pages readers reported outdated: the App's open ``kennis:outdated`` issues (one call)."""
    found = set()
    for issue in repo.get_issues(state="open", labels=[feedback.OUTDATED_LABEL]):
        page = feedback.page_of(issue.body) if is_bot(issue.user.login) else None
        if page:
            found.add(page)
    return found


def scan_repository(target: Target, mirrors_root: Path, as_of: date) -> RepoResult:
    """Scan one repository; a rate limit stops it and marks the result incomplete."""
    result = RepoResult(target.full_name)
    try:
        kb, statuses = load_repository(target, mirrors_root, as_of)
        tr = translator(kb.config.language)
        due = [s for s in statuses if s.freshness.needs_review]
        repo = target.client.get_repo(target.full_name, lazy=True)
        existing, raw = existing_issues(repo)
        plan = plan_scan(
            statuses,
            existing,
            as_of=as_of,
            site_url=kb.config.site_url,
            content_dir=kb.config.content_dir,
            fallback_owner=kb.config.fallback_owner,
            folder=folder_owners(kb),
            inactive=inactive_owners(repo, kb, due),
            reported=reported_pages(repo),
            tr=tr,
        )
        result.due_pages, result.owners = len(due), len(plan.owners)
        result.escalated = len(plan.escalations)
        apply_plan(repo, plan, raw, result, tr)
        nudged = nudge_pulls(repo, _mirror(target, mirrors_root), kb, as_of)
        if nudged:
            result.writes["nudge"] = nudged
    except GithubException as exc:
        limited = rate_limit_of(exc)
        if limited is None:
            raise
        result.incomplete, result.resume_at = str(limited), limited.reset_at
    return result


def apply_plan(
    repo: Repository,
    plan: ScanPlan,
    raw: dict[int, Any],
    result: RepoResult,
    tr: Translator | None = None,
) -> None:
    """Perform the plan's writes: one call per owner whose list changed."""
    if any(a.kind == "create" for a in plan.actions):
        ensure_label(repo, tr)
    for action in plan.actions:
        _apply(repo, action, raw)
        result.writes[action.kind] = result.writes.get(action.kind, 0) + 1


def ensure_label(repo: Repository, tr: Translator | None = None) -> None:
    try:
        repo.get_label(LABEL)
    except GithubException as exc:
        if exc.status != 404:
            raise
        try:
            repo.create_label(LABEL, LABEL_COLOR, label_description(tr))
        except GithubException as again:
            if again.status != 422:  # created meanwhile by another scan
                raise


def _apply(repo: Repository, action: IssueAction, raw: dict[int, Any]) -> None:
    if action.kind == "create":
        try:
            repo.create_issue(
                action.title, action.body, labels=[LABEL], assignees=list(action.assignees)
            )
        except GithubException as exc:
            if exc.status != 422 or not action.assignees:
                raise
            # The owner cannot be assigned here (no access yet): still tell them, by mention.
            repo.create_issue(action.title, action.body, labels=[LABEL])
        return
    issue = raw[action.number or 0]
    if action.kind == "edit":
        have = [a.login for a in issue.assignees]
        keys = {handle_key(h) for h in have}
        wanted = have + [a for a in action.assignees if handle_key(a) not in keys]
        if wanted != have:
            issue.edit(title=action.title, body=action.body, assignees=wanted)
        else:
            issue.edit(title=action.title, body=action.body)
    else:
        issue.edit(body=action.body, state="closed", state_reason="completed")


_scan_locks: KeyedLocks[str] = KeyedLocks(lambda repo: f"scan:{repo}")


def run_scan(
    targets: Iterator[Target], mirrors_root: Path, as_of: date | None = None
) -> ScanReport:
    """Scan every target; after a rate limit, the same installation's other repos wait too."""
    as_of = as_of or datetime.now(UTC).date()
    report = ScanReport()
    limited: dict[int, RepoResult] = {}
    for target in targets:
        blocked = limited.get(id(target.client))
        if blocked is not None:
            report.results.append(
                RepoResult(
                    target.full_name, incomplete=blocked.incomplete, resume_at=blocked.resume_at
                )
            )
            continue
        try:
            with _scan_locks.hold(target.full_name.lower()):  # one scan of a repo at a time
                result = scan_repository(target, mirrors_root, as_of)
        except KennisError as exc:
            result = RepoResult(target.full_name, incomplete=f"cannot read the repository: {exc}")
        if result.resume_at is not None:
            limited[id(target.client)] = result
        report.results.append(result)
        log.info("scan %s", result.line())
    return report


# -- in the App: the kennis_scan delivery and its scheduler ------------------------------------


@router.on(SCAN_EVENT)
def on_scan(ctx: DeliveryContext) -> None:
    """Scan every installed repository; postpone the delivery (resume) when rate limited."""
    app: GitHubApp | None = ctx.app
    if app is None:
        raise RuntimeError("the freshness scan needs the App's credentials")
    raw_as_of = ctx.payload.get("as_of")
    as_of = date.fromisoformat(raw_as_of) if isinstance(raw_as_of, str) else None
    only = ctx.payload.get("repository_full_name")
    targets = app_targets(app, only if isinstance(only, str) else None)
    report = run_scan(targets, ctx.mirrors_root, as_of)
    if not report.complete:
        if report.resume_at is not None:
            raise RateLimited(report.resume_at, "freshness scan incomplete: resumes next time")
        raise RuntimeError(
            "freshness scan incomplete: "
            + "; ".join(r.line() for r in report.results if r.incomplete)
        )


def enqueue_scan(ledger: DeliveryLedger, every: float, now: float | None = None) -> bool:
    """Record this period's scan delivery; False if it was already recorded (one per period)."""
    now = time.time() if now is None else now
    period = int(now // every * every)
    payload = {"period_start": period, "every": every}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return ledger.record(f"kennis-scan-{period}", SCAN_EVENT, raw, payload, now=now)


def start_scheduler(
    ledger: DeliveryLedger,
    every: float,
    wake: Callable[[], None],
    stop: threading.Event | None = None,
) -> threading.Thread:
    """A daemon thread that enqueues one durable, deduplicated scan delivery per period."""
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                if enqueue_scan(ledger, every):
                    log.info("freshness scan queued")
                    wake()
            except Exception:  # a locked ledger must not end the schedule
                log.exception("could not queue the freshness scan")
            stop.wait(min(every, 60.0))

    thread = threading.Thread(target=loop, name="kennis-scan-scheduler", daemon=True)
    thread.start()
    return thread


def scan_once(settings: Settings, only: str | None, as_of: date | None) -> ScanReport:
    """``kennis-bot scan``: with an App token or the App's own credentials (from *settings*).

    ``KENNIS_GITHUB_TOKEN`` (an installation token, e.g. from GitHub Actions) scans ``--repo``;
    ``KENNIS_APP_ID`` + key scan every installed repository (or just ``--repo``).
    """
    api, mirrors, token = settings.github_api_url, settings.mirrors_dir, settings.github_token
    if token:
        if not only:
            raise ConfigError("KENNIS_GITHUB_TOKEN scans one repository: pass --repo owner/name")
        return run_scan(iter([token_target(token, api, only)]), mirrors, as_of)
    app_id, key = settings.app_id, settings.private_key
    if not (app_id and key):
        raise ConfigError(
            "set KENNIS_APP_ID and KENNIS_PRIVATE_KEY (or KENNIS_PRIVATE_KEY_FILE), "
            "or KENNIS_GITHUB_TOKEN with --repo"
        )
    return run_scan(app_targets(GitHubApp(app_id, key, api), only), mirrors, as_of)
