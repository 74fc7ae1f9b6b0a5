"""Review routing: ask the owners of the touched pages to review, explain it, and check approvals.

Handlers are short adapters: read the pull request's current state from GitHub, decide with the
core (`kennis.review.plan_review` / `approvals`), then act. Every step is idempotent (GitHub's
retry may repeat a POST, the ledger may repeat a delivery): requested reviewers are re-read before
asking, the comment is found by its marker, check runs by name for the head commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from github import GithubException

from kennis.changes import PullRequestChanges
from kennis.confirm import render_confirm_section
from kennis.gitrev import GitError
from kennis.handles import Handle, handle_key, is_bot
from kennis.i18n import Translator, translator
from kennis.review import (
    PageApproval,
    PullRequest,
    ReviewPlan,
    TouchedPage,
    approvable,
    approvals,
    approvals_by_page,
    plan_review,
)
from review_bot import checks, comments
from review_bot.locks import KeyedLocks
from review_bot.routing import DeliveryContext, Router
from review_bot.state import PullTables, pull_state
from review_bot.welcome import welcome_section

if TYPE_CHECKING:
    from github.PullRequest import PullRequest as GhPullRequest
    from github.Repository import Repository

NOT_COLLABORATOR = "not a collaborator on this repository, so GitHub does not let them review"
NO_SUCH_USER = "is not a GitHub account"
FOREIGN_TEAM = "a team of another organization cannot review here"
GITHUB_REFUSED = "GitHub refused to ask them: {message}"

# Deliveries for one pull request run one at a time (they read and write the same state).
_pr_locks: KeyedLocks[tuple[str, int]] = KeyedLocks(lambda key: f"reviewers:{key[0]}:{key[1]}")

router = Router()


def _state(ctx: DeliveryContext) -> PullTables:
    return pull_state(ctx)


def _number(ctx: DeliveryContext) -> int | None:
    pr = ctx.payload.get("pull_request")
    number = pr.get("number") if isinstance(pr, dict) else None
    return number if isinstance(number, int) else None


# -- handlers ------------------------------------------------------------------------------------


@router.on("pull_request", "opened", "reopened", "ready_for_review", "synchronize")
def on_pull_request(ctx: DeliveryContext) -> None:
    pr = ctx.payload.get("pull_request") or {}
    if pr.get("draft"):
        ctx.log.info("draft pull request: reviewers wait until it is ready for review")
        return
    evaluate(ctx, ask=True)


@router.on("pull_request_review", "submitted", "dismissed")
def on_review(ctx: DeliveryContext) -> None:
    evaluate(ctx, ask=False)


@router.on("pull_request", "review_request_removed")
def on_review_request_removed(ctx: DeliveryContext) -> None:
    """Remember who was taken off the pull request so no later push asks them again."""
    number, who = _number(ctx), _requested_key(ctx)
    sender = (ctx.payload.get("sender") or {}).get("login") or ""
    if number is None or who is None or is_bot(sender):
        return
    _state(ctx).remember(ctx.repo_full_name or "", number, who, "removed", f"removed by @{sender}")
    evaluate(ctx, ask=True)


@router.on("pull_request", "review_requested")
def on_review_requested(ctx: DeliveryContext) -> None:
    """A person asking someone again undoes an earlier removal (our own requests are ignored)."""
    number, who = _number(ctx), _requested_key(ctx)
    sender = (ctx.payload.get("sender") or {}).get("login") or ""
    if number is not None and who is not None and not is_bot(sender):
        _state(ctx).forget(ctx.repo_full_name or "", number, who, "removed")


def _requested_key(ctx: DeliveryContext) -> str | None:
    user, team = ctx.payload.get("requested_reviewer"), ctx.payload.get("requested_team")
    if isinstance(user, dict) and user.get("login"):
        return handle_key(str(user["login"]))
    owner = (ctx.repository.get("owner") or {}).get("login") or ""
    if isinstance(team, dict) and team.get("slug") and owner:
        return handle_key(f"{owner}/{team['slug']}")
    return None


# -- the evaluation ------------------------------------------------------------------------------


def evaluate(ctx: DeliveryContext, *, ask: bool) -> None:
    """Bring reviewers, the comment and both checks up to date with the pull request as it is now."""
    number, full_name = _number(ctx), ctx.repo_full_name
    if number is None or not full_name:
        return
    with _pr_locks.hold((full_name.lower(), number)):
        repo = ctx.lazy_github.get_repo(full_name)
        pr = repo.get_pull(number)
        if pr.state != "open" or pr.draft:
            return
        changes = ctx.pull_request(number, pr.base.sha, pr.head.sha)
        tr = translator(changes.base.config.language)  # the base side's `language:`
        # The metadata check first: whatever fails later, the author sees what is wrong.
        _publish_checks(repo, changes, None, tr)
        state = _state(ctx)
        removed = state.people(full_name, number, "removed")
        refused = state.people(full_name, number, "refused")
        approved, reviewed = review_states(pr.get_reviews())
        pages = approvable(changes.pages, pr.user.login, changes.base.config.fallback_owner)
        current, earlier = approvals_by_page(
            pages,
            approved,
            changes.head_sha,
            changed_since(ctx, approved.values(), changes.head_sha),
        )
        items = _approvals(ctx, pages, current, earlier)
        # An owner whose approval went stale is asked again (GitHub's "re-request review").
        reviewed -= {key for item in items for key in item.earlier}
        requested = _requested(pr, full_name.split("/")[0])
        plan, asked = _route(ctx, repo, pr, changes, requested, reviewed, removed, refused, ask)
        requested |= {h.key for h in asked}
        welcome = welcome_section(repo, pr, changes, items, requested, ask, tr)
        today = datetime.now(UTC).date()
        report = comments.ReviewerReport(
            pages=items,
            freshness=changes.freshness(today),
            requested=frozenset(requested),
            author=handle_key(pr.user.login),
            skipped=[s for s in plan.skipped if s.handle.key not in refused],
            refused=refused,
            problems=len([p for p in changes.problems() if p.severity == "error"]),
            confirm=render_confirm_section(changes.statuses(today), tr),
            welcome=welcome,
        )
        comments.upsert(pr, comments.render(report, tr))
        _publish_checks(repo, changes, items, tr)


def review_states(reviews: Iterable[Any]) -> tuple[dict[str, str], frozenset[str]]:
    """(who approves now → the commit they approved, who reviewed at all).

    A later decision or dismissal replaces an approval; a later approval moves it to its commit.
    """
    latest: dict[str, tuple[str, str]] = {}
    reviewed: set[str] = set()
    for review in reviews:
        if review.user is None or review.state == "PENDING":
            continue
        key = handle_key(review.user.login)
        reviewed.add(key)
        if review.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[key] = (review.state, review.commit_id or "")
    approved = {k: commit for k, (state, commit) in latest.items() if state == "APPROVED"}
    return approved, frozenset(reviewed)


def changed_since(
    ctx: DeliveryContext, commits: Iterable[str], head: str
) -> dict[str, frozenset[str] | None]:
    """Paths changed between each approved commit and the head: one diff per distinct commit.

    A commit the mirror cannot get (force-pushed away) maps to None: nothing is known to be
    unchanged, so approvals given on it no longer count.
    """
    mirror = ctx.mirror
    result: dict[str, frozenset[str] | None] = {}
    for commit in sorted(set(commits) - {head}):
        result[commit] = None
        if not commit:
            continue
        try:
            if mirror.rev_parse(commit) is None:
                mirror.fetch(commit)
            result[commit] = frozenset(mirror.changed_paths(commit, head))
        except GitError as exc:
            ctx.log.info("approved commit %s is not available: %s", commit[:12], exc)
    return result


def _requested(pr: GhPullRequest, owner: str) -> set[str]:
    users = {handle_key(u.login) for u in pr.requested_reviewers}
    return users | {handle_key(f"{owner}/{t.slug}") for t in pr.requested_teams}


def _route(
    ctx: DeliveryContext,
    repo: Repository,
    pr: GhPullRequest,
    changes: PullRequestChanges,
    requested: set[str],
    reviewed: frozenset[str],
    removed: dict[str, str],
    refused: dict[str, str],
    ask: bool,
) -> tuple[ReviewPlan, list[Handle]]:
    """Plan and ask; when GitHub refuses someone, plan once more without them and ask again.

    In the second round a co-author may stand in for a refused owner. Refusals are remembered in
    ``refused`` and in the state table.
    """
    config = changes.base.config  # the base side decides: a change cannot loosen its own review
    asked: list[Handle] = []
    for _ in range(2):
        view = PullRequest(
            pr.user.login,
            frozenset(requested | {h.key for h in asked}),
            reviewed,
            frozenset(removed) | frozenset(refused),
        )
        plan = plan_review(changes.pages, view, config.max_reviewers, config.fallback_owner)
        if not ask or not plan.request:
            return plan, asked
        found = request_reviewers(repo, pr, list(plan.request), ctx.repo_full_name or "")
        asked += [h for h in plan.request if h.key not in found]
        for key, why in found.items():
            refused[key] = why
            _state(ctx).remember(ctx.repo_full_name or "", pr.number, key, "refused", why)
        if not found:
            return plan, asked
    return plan, asked


def request_reviewers(
    repo: Repository, pr: GhPullRequest, handles: Sequence[Handle], full_name: str
) -> dict[str, str]:
    """Ask everyone in one call; on 422 find whom GitHub refuses and ask the rest once more.

    Returns handle key → why GitHub would not let them review.
    """
    owner = full_name.split("/")[0].lower()
    refused = {h.key: FOREIGN_TEAM for h in handles if h.is_team and (h.org or "").lower() != owner}
    wanted = [h for h in handles if h.key not in refused]
    try:
        _ask(pr, wanted)
        return refused
    except GithubException as exc:
        if exc.status != 422:
            raise
        error = exc
    found = named_in_error(error, wanted, full_name) or _probe(repo, wanted)
    refused.update(found)
    rest = [h for h in wanted if h.key not in found]
    if found:
        refused.update(_ask_or_refuse(pr, rest))
        return refused
    # Every user has access, so a team is the trouble: users together, each team on its own.
    refused.update(_ask_or_refuse(pr, [h for h in rest if not h.is_team]))
    for team in (h for h in rest if h.is_team):
        refused.update(_ask_or_refuse(pr, [team]))
    return refused


def _ask(pr: GhPullRequest, handles: Sequence[Handle]) -> None:
    if not handles:
        return
    users = [h.login for h in handles if not h.is_team]
    teams = [h.slug or "" for h in handles if h.is_team]
    pr.create_review_request(reviewers=users, team_reviewers=teams)


def _ask_or_refuse(pr: GhPullRequest, handles: Sequence[Handle]) -> dict[str, str]:
    try:
        _ask(pr, handles)
    except GithubException as exc:
        if exc.status != 422:
            raise
        why = GITHUB_REFUSED.format(message=_message(exc))
        return {h.key: why for h in handles}
    return {}


def _message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    parts = [str(data.get("message") or "")]
    for err in data.get("errors") or []:
        parts.append(str(err.get("message", "")) if isinstance(err, dict) else str(err))
    return " ".join(p for p in parts if p).strip() or f"HTTP {exc.status}"


def named_in_error(
    exc: GithubException, handles: Sequence[Handle], repo_name: str
) -> dict[str, str]:
    """Logins GitHub's 422 message names (it rarely does; the repository's name is not a login)."""
    text = _message(exc).replace(repo_name, " ")
    why = GITHUB_REFUSED.format(message=_message(exc))
    return {
        h.key: why
        for h in handles
        if re.search(rf"(?<![\w/-]){re.escape(h.login)}(?![\w/-])", text, re.IGNORECASE)
    }


def _probe(repo: Repository, handles: Sequence[Handle]) -> dict[str, str]:
    """Ask GitHub about each user's access to the repository (teams are judged by trying)."""
    found = {}
    for handle in handles:
        if handle.is_team:
            continue
        try:
            permission = repo.get_collaborator_permission(handle.login)
        except GithubException as exc:
            if exc.status != 404:
                raise
            found[handle.key] = NO_SUCH_USER
            continue
        if permission == "none":
            found[handle.key] = NOT_COLLABORATOR
    return found


def _approvals(
    ctx: DeliveryContext,
    pages: Sequence[TouchedPage],
    approved: Mapping[str, set[str]],
    earlier: Mapping[str, set[str]],
) -> list[PageApproval]:
    """Approvals per page; team approvers are looked up only for pages still waiting."""
    items = approvals(pages, approved, earlier=earlier)
    teams = {
        h
        for item in items
        if not item.ok
        for h in (*item.page.approvers, item.page.previous_owner)
        if h is not None and h.is_team
    }
    logins = sorted({a.lstrip("@") for who in (*approved.values(), *earlier.values()) for a in who})
    if not teams or not logins:
        return items
    members = checks.team_members(ctx.lazy_github, teams, logins)
    return approvals(pages, approved, members, earlier)


def _publish_checks(
    repo: Repository,
    changes: PullRequestChanges,
    items: list[PageApproval] | None,
    tr: Translator,
) -> None:
    """Publish the metadata check, and the approval check when ``items`` are known."""
    existing = checks.existing_runs(repo, changes.head_sha)
    pages = len({c.new_path for c in changes.changes if c.new_path.endswith(".md")})
    results = [checks.metadata_result(changes.problems(), pages, tr)]
    if items is not None:
        results.append(checks.approval_result(items, tr))
    for result in results:
        checks.publish(repo, changes.head_sha, result, existing.get(result.name))
