"""Suggested fixes: one pull-request review whose comments carry GitHub suggestion blocks.

The core plans the fixes (``kennis.suggest``); this adapter keeps them to lines of the diff,
posts at most one review per push, and remembers which fixes it offered so a redelivery or a
push that leaves those lines alone offers nothing twice.
"""

from __future__ import annotations

from github import GithubException
from github.PullRequest import ReviewComment

from kennis.changes import PullRequestChanges
from kennis.gitrev import GitError
from kennis.i18n import Translator, translator
from kennis.paths import is_under
from kennis.suggest import Fix, lines_in_diff, plan_fixes, review_body
from review_bot.locks import KeyedLocks
from review_bot.routing import DeliveryContext, Router
from review_bot.state import pull_state

router = Router()
_locks: KeyedLocks[tuple[str, int]] = KeyedLocks(lambda key: f"suggestions:{key[0]}:{key[1]}")


@router.on("pull_request", "opened", "reopened", "ready_for_review", "synchronize")
def on_pull_request(ctx: DeliveryContext) -> None:
    pr = ctx.payload.get("pull_request") or {}
    number, full_name = pr.get("number"), ctx.repo_full_name
    if not isinstance(number, int) or not full_name or ctx.ledger_path is None:
        return
    with _locks.hold((full_name.lower(), number)):
        github_pr = ctx.lazy_github.get_repo(full_name).get_pull(number)
        if github_pr.state != "open":
            return
        head = github_pr.head.sha
        changes = ctx.pull_request(number, github_pr.base.sha, head)
        state = pull_state(ctx)  # the ledger's database: shared by replicas
        offered = state.offered(full_name, number)
        tr = translator(changes.base.config.language)  # the base side's `language:`
        fixes = [f for f in pr_fixes(ctx, changes, tr) if f.key not in offered]
        if not fixes:
            return
        comments: list[ReviewComment] = [
            {"path": f.path, "line": f.line, "side": "RIGHT", "body": f.comment(tr)} for f in fixes
        ]
        try:
            body = review_body(fixes, tr)
            github_pr.create_review(body=body, event="COMMENT", comments=comments)
        except GithubException as exc:
            if exc.status != 422:
                raise
            ctx.log.info("GitHub refused the suggested fixes for #%d: %s", number, exc.data)
            return
        state.offer(full_name, number, [f.key for f in fixes], head)


def pr_fixes(
    ctx: DeliveryContext, changes: PullRequestChanges, tr: Translator | None = None
) -> list[Fix]:
    """The fixes for the pull request's pages, on lines GitHub lets a review comment on."""
    content = changes.head.config.content_dir.strip("/")
    paths = [p for p in changes.changed_paths if p.endswith(".md") and is_under(p, content)]
    texts = ctx.mirror.read_files(changes.head_sha, paths) if paths else {}  # one git call
    fixes: list[Fix] = []
    for path in paths:
        raw = texts.get(path)
        if raw is None:
            continue
        planned = plan_fixes(path, raw.decode("utf-8-sig", errors="replace"), tr)
        if not planned:
            continue
        try:
            patch = ctx.mirror.git(
                "diff", "-U3", f"{changes.base_sha}...{changes.head_sha}", "--", path
            ).decode("utf-8", errors="replace")
        except GitError as exc:
            ctx.log.info("no diff for %s: %s", path, exc)
            continue
        allowed = lines_in_diff(patch)
        fixes += [f for f in planned if f.line in allowed]
    return fixes
