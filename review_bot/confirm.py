"""Confirm pages with a tick or ``/verify``: bump ``reviewed``/``reviewed_by`` in one pull request.

Triggers: a box ticked in a review-due issue (``issues`` edited), ``/verify [path…]`` on that
issue or on a pull request (``issue_comment`` created), and a box ticked in the bot's PR review
comment (``issue_comment`` edited). Only a page's owner or a co-author (directly or through a
team) may confirm; anyone else gets one polite reply naming who can.

The bump is a commit built in the mirror (``review_bot.mirror.Commit``) and pushed: to
``kennis/verify-<owner>-<date>`` with one pull request (an open one is reused, so a redelivered
event never opens a second), to the default branch when ``verify: commit`` is configured, or to
the pull request's own branch for PR-time confirmations. A page already confirmed by the same
person on the same day is left alone, which makes every trigger idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from github.Repository import Repository

from kennis.config import REVIEWS_PATH
from kennis.confirm import (
    SECTION_MARKER,
    branch_slug,
    bump_reviewed,
    confirm_command,
    confirm_ticks,
    may_confirm,
    refusal,
)
from kennis.due_issue import parse_issue, ticked
from kennis.errors import KennisError
from kennis.feedback import page_of
from kennis.frontmatter_edit import edit_front_matter
from kennis.handles import handle_key, is_bot, login_of
from kennis.i18n import Translator, translator
from kennis.kb import KnowledgeBase, load_kb
from kennis.owner_actions import TRAILERS, OwnerCommand, noreply, plan_edit, summary
from kennis.page import Page
from kennis.reviews_file import decide_in_sidecar, record_reviews
from kennis.translate import blob_at, set_translation_of
from review_bot.checks import team_members
from review_bot.locks import KeyedLocks
from review_bot.mirror import Commit, Mirror, MirrorError, push
from review_bot.proposals import open_pull, remote_tip
from review_bot.routing import DeliveryContext, Router
from review_bot.verify_pull import pull_body

AUTHOR = ("kennis-bot", "kennis-bot@users.noreply.github.com")
REPLY_MARKER = "<!-- kennis:verify-reply {key} -->"

router = Router()

# Landings on one branch run one at a time, so two ticks a moment apart both end up on it.
# The owner's confirmation pull request of the day is made once, whichever replica gets there.
_branch_locks: KeyedLocks[tuple[str, str]] = KeyedLocks(lambda key: f"branch:{key[0]}:{key[1]}")


@dataclass(frozen=True)
class Request:
    """Who asked to confirm which pages, where, and where the bump should land."""

    sender: str
    paths: tuple[str, ...]
    issue: int  # where to reply
    key: str  # identifies the trigger, so a redelivery does not reply twice
    owner: str | None = None  # the review-due issue's owner (names the branch)
    pr_branch: str | None = None  # push to this pull request branch instead
    new: tuple[str, ...] = ()  # pages the pull request adds: nothing to confirm yet
    command: OwnerCommand | None = None  # an owner decision instead of a confirmation


def today() -> date:
    return datetime.now(UTC).date()


# -- handlers ----------------------------------------------------------------------------------


@router.on("issues", "edited")
def on_issue_edited(ctx: DeliveryContext) -> None:
    """A box ticked in a review-due issue by a person confirms that page."""
    issue, sender = ctx.payload.get("issue") or {}, _sender(ctx)
    old = ((ctx.payload.get("changes") or {}).get("body") or {}).get("from")
    if sender is None or old is None or not _by_bot(issue):
        return
    listed = parse_issue(issue["number"], issue.get("title", ""), issue.get("body"))
    paths = ticked(old, issue.get("body"))
    if listed is None or not paths:
        return
    key = f"tick-{issue['number']}-{sender}-{'-'.join(paths)}"
    confirm(ctx, Request(sender, tuple(paths), issue["number"], key, owner=listed.owner))


@router.on("issue_comment", "created")
def on_comment(ctx: DeliveryContext) -> None:
    """``/verify [path…]`` on a review-due issue or on a pull request."""
    issue, comment, sender = comment_delivery(ctx)
    paths = confirm_command(comment.get("body"))
    if sender is None or paths is None:
        return
    key = f"comment-{comment.get('id')}"
    if issue.get("pull_request"):
        branch = _pr_branch(ctx, issue["number"])
        if branch is None:
            return
        touched, added = _touched(ctx, issue["number"])
        paths = paths or touched
        request = Request(sender, tuple(paths), issue["number"], key, pr_branch=branch, new=added)
        confirm(ctx, request)
        return
    reported = page_of(issue.get("body")) if _by_bot(issue) else None
    if reported is not None:  # a page's feedback issue: /verify confirms that page
        confirm(ctx, Request(sender, tuple(paths or [reported]), issue["number"], key))
        return
    listed = parse_issue(issue.get("number", 0), issue.get("title", ""), issue.get("body"))
    if listed is None or not _by_bot(issue):
        return
    paths = paths or [p.path for p in listed.pages]
    confirm(ctx, Request(sender, tuple(paths), issue["number"], key, owner=listed.owner))


@router.on("issue_comment", "edited")
def on_review_comment_edited(ctx: DeliveryContext) -> None:
    """A box ticked in the bot's own PR review comment pushes the bump to the PR branch."""
    issue, comment, sender = comment_delivery(ctx)
    old = ((ctx.payload.get("changes") or {}).get("body") or {}).get("from")
    body = comment.get("body") or ""
    if sender is None or old is None or SECTION_MARKER not in body or not issue.get("pull_request"):
        return
    if not is_bot((comment.get("user") or {}).get("login", "")):
        return
    paths = confirm_ticks(old, body)
    branch = _pr_branch(ctx, issue["number"]) if paths else None
    if branch is not None:
        key = f"box-{comment.get('id')}-{sender}-{'-'.join(paths)}"
        confirm(ctx, Request(sender, tuple(paths), issue["number"], key, pr_branch=branch))


def comment_delivery(ctx: DeliveryContext) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """An ``issue_comment`` delivery's issue, comment and sender (empty when absent)."""
    return ctx.payload.get("issue") or {}, ctx.payload.get("comment") or {}, _sender(ctx)


def _sender(ctx: DeliveryContext) -> str | None:
    login = (ctx.payload.get("sender") or {}).get("login")
    return login if isinstance(login, str) and not is_bot(login) else None


def _by_bot(issue: dict[str, Any]) -> bool:
    return is_bot((issue.get("user") or {}).get("login", ""))


def _repo(ctx: DeliveryContext) -> Repository:
    return ctx.github.get_repo(ctx.repo_full_name or "", lazy=True)


def _pr_branch(ctx: DeliveryContext, number: int) -> str | None:
    """The PR's branch if it lives in this repository (a fork's branch cannot be pushed to)."""
    pull = _repo(ctx).get_pull(number)
    if pull.state != "open" or pull.head.repo is None:
        return None
    if pull.head.repo.full_name.lower() != (ctx.repo_full_name or "").lower():
        return None
    return str(pull.head.ref)


def _touched(ctx: DeliveryContext, number: int) -> tuple[list[str], tuple[str, ...]]:
    """The pages the pull request adds or changes, and those it adds (the PR fan-out)."""
    pull = _repo(ctx).get_pull(number)
    changes = ctx.pull_request(number, pull.base.sha, pull.head.sha)
    touched = [t.path for t in changes.pages if t.change in ("added", "modified", "renamed")]
    return touched, tuple(t.path for t in changes.pages if t.change == "added")


# -- confirming --------------------------------------------------------------------------------


def confirm(ctx: DeliveryContext, request: Request) -> list[Page]:
    """Check who may confirm, reply to the rest, land the bump for the allowed pages."""
    default = str(ctx.repository.get("default_branch") or "main")
    mirror = ctx.mirror
    mirror.fetch(*dict.fromkeys([default, *([request.pr_branch] if request.pr_branch else [])]))
    kb = load_kb(mirror.tree_at(f"refs/heads/{default}"))  # owners from the base side
    tr = translator(kb.config.language)
    pages = [kb.page(p) for p in request.paths]
    unknown = [p for p, page in zip(request.paths, pages, strict=True) if page is None]
    known = [page for page in pages if page is not None]
    teams = _teams_of(ctx, request.sender, known)
    allowed = [p for p in known if may_confirm(p, request.sender, teams)]
    refused = [p for p in known if p not in allowed]
    new = [p for p in unknown if p in request.new]  # a new page is reviewed by the PR itself
    unknown = [p for p in unknown if p not in request.new]
    if refused or unknown or new:
        decision = request.command is not None
        text = refusal(request.sender, refused, unknown, new, tr, decision=decision)
        _reply_once(ctx, request, text)
    if allowed:
        land(ctx, kb, mirror, default, request, [p.path for p in allowed])
    return allowed


def _teams_of(ctx: DeliveryContext, login: str, pages: list[Page]) -> set[str]:
    """Keys of the pages' teams that ``login`` belongs to (one membership call per team)."""
    teams = sorted({h for p in pages for h in p.reviewers if h.is_team}, key=lambda h: h.key)
    members = team_members(ctx.github, teams, [login])
    return {team for team, people in members.items() if handle_key(login) in people}


def _reply_once(ctx: DeliveryContext, request: Request, text: str) -> None:
    marker = REPLY_MARKER.format(key=request.key)
    issue = _repo(ctx).get_issue(request.issue)
    if any(marker in (c.body or "") for c in issue.get_comments()):
        return
    issue.create_comment(f"{marker}\n{text}")


def _bumped(
    mirror: Mirror, base: str, paths: list[str], request: Request, on: date, kb: KnowledgeBase
) -> dict[str, bytes]:
    """New bytes of the pages the request changes (none if already confirmed or decided).

    With ``front_matter: false`` a confirmation or decision changes the sidecar file, never a page.
    """
    if not kb.config.front_matter:
        known = [page for page in map(kb.page, paths) if page is not None]
        raw = mirror.read_files(base, [REVIEWS_PATH]).get(REVIEWS_PATH)
        new: bytes | None = None
        if request.command is None:
            new = record_reviews(raw, [(p.path, login_of(request.sender), on) for p in known])
        else:
            new = decide_in_sidecar(raw, request.command, known, on)
        return {REVIEWS_PATH: new} if known and new is not None and new != raw else {}
    current = mirror.read_files(base, paths)
    changed = {}
    for path in paths:
        raw, page = current.get(path), kb.page(path)
        if raw is None or page is None:
            continue
        if request.command is None:
            new = bump_reviewed(raw, path, login_of(request.sender), on)
            source = blob_at(mirror, base, page.source) if page.source else None
            if source is not None:  # a confirmed translation matches its source as it is now
                new = set_translation_of(new, path, source)
        else:
            edit = plan_edit(request.command, page, on)
            if isinstance(edit, str):
                continue  # refused before landing (see owner_commands); nothing to write
            new = edit_front_matter(raw, path, edit)
        if new != raw:
            changed[path] = new
    return changed


def _message(paths: list[str], request: Request, tr: Translator) -> str:
    """The commit message; its trailer (never translated) names who decided, for the credit."""
    lines = "\n".join(f"- {p}" for p in paths)
    what = paths[0] if len(paths) == 1 else tr.ngettext("{n} page", "{n} pages", len(paths))
    command = request.command
    trailer = TRAILERS[command.action if command else "confirm"]
    who, issue = "@" + request.sender, request.issue
    if command is None:
        subject = tr._("Confirm {what} still accurate", what=what)
        by = tr._("Confirmed by {who} (#{issue}):", who=who, issue=issue)
    else:
        subject = f"{what}: {summary(command, tr)}"
        by = tr._("Decided by {who} (#{issue}):", who=who, issue=issue)
    return f"{subject}\n\n{by}\n{lines}\n\n{trailer}: {noreply(request.sender)}\n"


def land(
    ctx: DeliveryContext,
    kb: KnowledgeBase,
    mirror: Mirror,
    default: str,
    request: Request,
    paths: list[str],
) -> None:
    """Commit the bump and push it to the PR branch, the default branch or a verify branch.

    Landings on one branch run one at a time, so two ticks a moment apart both end up on it.
    """
    on = today()
    repo_name = ctx.repo_full_name or ""
    target = request.pr_branch or (default if kb.config.verify == "commit" else None)
    if target is not None:
        with _branch_locks.hold((repo_name.lower(), target)):
            _commit_and_push(mirror, kb, target, paths, request, on)
        return
    owner = request.owner or "@" + request.sender
    branch = day_branch(owner, on)
    with _branch_locks.hold((repo_name.lower(), branch)):
        _land_on_verify_branch(ctx, kb, mirror, default, branch, owner, request, paths, on)


def day_branch(owner: str, on: date | None = None) -> str:
    """The owner's one branch (and pull request) of the day for confirmations and decisions."""
    return f"kennis/verify-{branch_slug(owner)}-{(on or today()).isoformat()}"


def _land_on_verify_branch(
    ctx: DeliveryContext,
    kb: KnowledgeBase,
    mirror: Mirror,
    default: str,
    branch: str,
    owner: str,
    request: Request,
    paths: list[str],
    on: date,
) -> None:
    """Add the bump to today's verify branch of the owner; make sure one pull request shows it.

    A branch with an open pull request, or one pushed without a pull request yet (a crash in
    between, or GitHub's list lagging), gets the bump as one more commit on top. A leftover of
    a closed pull request is replaced, but only while it is still where we saw it.
    """
    repo = _repo(ctx)
    head = f"{(ctx.repo_full_name or '').split('/')[0]}:{branch}"
    pulls = list(repo.get_pulls(state="all", head=head))
    is_open = any(p.state == "open" for p in pulls)
    tip = remote_tip(mirror, branch)
    if tip is not None and (is_open or not pulls):
        mirror.fetch(branch)
        _commit_and_push(mirror, kb, branch, paths, request, on)
    else:
        base = mirror.rev_parse(f"refs/heads/{default}")
        assert base is not None
        changed = _bumped(mirror, base, paths, request, on, kb)
        if not changed:
            return  # already confirmed on the default branch
        message = _message(sorted(changed), request, translator(kb.config.language))
        sha = Commit(mirror, base).create(changed, message, AUTHOR)
        push(mirror, sha, branch, lease=tip or "")
    tr = translator(kb.config.language)
    if not is_open:
        _open_pull(ctx, repo, mirror, default, branch, owner, request, tr)
        return
    body = pull_body(mirror, default, branch, "@" + request.sender, request.issue, tr) + "\n"
    for pull in pulls:  # a later tick or command: the open pull request lists every page again
        if pull.state == "open" and pull.body != body:
            pull.edit(body=body)


def _open_pull(
    ctx: DeliveryContext,
    repo: Repository,
    mirror: Mirror,
    default: str,
    branch: str,
    owner: str,
    request: Request,
    tr: Translator,
) -> None:
    """Open the pull request for the verify branch, listing every page it confirms."""
    body = pull_body(mirror, default, branch, "@" + request.sender, request.issue, tr)
    title = tr._("Confirm pages are still accurate ({owner})", owner=owner)
    owner_login = (ctx.repo_full_name or "").split("/")[0]
    open_pull(repo, owner_login, default, branch, title, body + "\n")


def _commit_and_push(
    mirror: Mirror, kb: KnowledgeBase, branch: str, paths: list[str], request: Request, on: date
) -> None:
    """Bump on top of ``branch``; if someone pushed meanwhile, fetch and try once more."""
    for attempt in (1, 2):
        head = mirror.rev_parse(f"refs/heads/{branch}")
        if head is None:
            raise KennisError(f"branch {branch} not found")
        changed = _bumped(mirror, head, paths, request, on, kb)
        if not changed:
            return
        message = _message(sorted(changed), request, translator(kb.config.language))
        sha = Commit(mirror, head).create(changed, message, AUTHOR)
        try:
            push(mirror, sha, branch)
            return
        except MirrorError:
            if attempt == 2:
                raise
            mirror.fetch(branch)
