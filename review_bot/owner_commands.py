"""Owners decide: ``/archive``, ``/handover``, ``/snooze`` and "confirm all", by comment or tick.

Commands come as ``issue_comment`` created on a review-due issue or a pull request, or as
ticked action rows in the review-due issue (``issues`` edited) and the "confirm all" box of the
bot's PR comment. Only a page's owner or a co-author may decide; anyone else gets one polite
reply (``confirm.confirm`` checks and replies). Each decision lands like a confirmation does:
one commit on the owner's pull request of the day (or on the pull request's own branch), with a
trailer naming who decided; a redelivery changes no byte and so opens or pushes nothing.
"""

from __future__ import annotations

from kennis.due_issue import action_ticks, parse_issue
from kennis.markdown import inline_code
from kennis.owner_actions import OwnerCommand, explain, parse_commands
from review_bot.confirm import (
    Request,
    _by_bot,
    _pr_branch,
    _reply_once,
    _repo,
    _sender,
    comment_delivery,
    confirm,
    day_branch,
)
from review_bot.language import repo_translator
from review_bot.routing import DeliveryContext, Router

router = Router()


@router.on("issue_comment", "created")
def on_comment(ctx: DeliveryContext) -> None:
    """``/archive``, ``/handover``, ``/snooze`` on a review-due issue or a pull request."""
    issue, comment, sender = comment_delivery(ctx)
    commands = parse_commands(comment.get("body"))
    if sender is None or not commands:
        return
    number = issue.get("number", 0)
    key = f"owner-{comment.get('id')}"
    if issue.get("pull_request"):
        branch = _pr_branch(ctx, number)
        if branch is None:
            return
        run(ctx, sender, commands, number, key, pr_branch=branch)
        return
    listed = parse_issue(number, issue.get("title", ""), issue.get("body"))
    if listed is not None and _by_bot(issue):
        run(ctx, sender, commands, number, key, owner=listed.owner)


@router.on("issues", "edited")
def on_issue_edited(ctx: DeliveryContext) -> None:
    """A ticked action row (archive, snooze, confirm all) in a review-due issue."""
    issue, sender = ctx.payload.get("issue") or {}, _sender(ctx)
    old = ((ctx.payload.get("changes") or {}).get("body") or {}).get("from")
    if sender is None or old is None or not _by_bot(issue):
        return
    listed = parse_issue(issue["number"], issue.get("title", ""), issue.get("body"))
    if listed is None:
        return
    ticks = action_ticks(old, issue.get("body"))
    key = f"act-{issue['number']}-{sender}"
    if any(t.action == "confirm" for t in ticks):
        paths = tuple(p.path for p in listed.pages)
        confirm(ctx, Request(sender, paths, issue["number"], f"{key}-all", owner=listed.owner))
    commands = [t for t in ticks if t.action != "confirm"]
    run(ctx, sender, commands, issue["number"], key, owner=listed.owner)


def run(
    ctx: DeliveryContext,
    sender: str,
    commands: list[OwnerCommand],
    number: int,
    key: str,
    *,
    owner: str | None = None,
    pr_branch: str | None = None,
) -> None:
    """Reply once about unreadable commands; land each readable one as its own decision."""
    bad = [c for c in commands if c.error]
    if bad:
        tr = repo_translator(ctx)
        lines = "\n".join(
            f"- `/{c.action}` {inline_code(c.path or '…')}: {explain(c, tr)}" for c in bad
        )
        request = Request(sender, (), number, f"{key}-bad", owner=owner)
        text = tr.ngettext(
            "@{sender}, kennis could not read this command:\n\n{lines}",
            "@{sender}, kennis could not read these commands:\n\n{lines}",
            len(bad),
            sender=sender,
            lines=lines,
        )
        _reply_once(ctx, request, text)
    for i, command in enumerate(c for c in commands if not c.error):
        request = Request(
            sender,
            (command.path,),
            number,
            f"{key}-{i}",
            owner=owner,
            pr_branch=pr_branch,
            command=command,
        )
        allowed = confirm(ctx, request)
        if allowed and command.new_owner is not None and not command.new_owner.is_team:
            _ask_new_owner(ctx, owner or "@" + sender, pr_branch, command.new_owner.login)


def _ask_new_owner(ctx: DeliveryContext, owner: str, pr_branch: str | None, login: str) -> None:
    """Request the new owner's review on the pull request that hands the page over."""
    repo = _repo(ctx)
    org = (ctx.repo_full_name or "").split("/")[0]
    branch = pr_branch or day_branch(owner)
    for pull in repo.get_pulls(state="open", head=f"{org}:{branch}"):
        if login.lower() not in {u.login.lower() for u in pull.get_review_requests()[0]}:
            pull.create_review_request(reviewers=[login])
