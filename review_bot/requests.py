"""Knowledge requests: triage a new request, ``/claim`` and ``/unclaim`` it, close it when written.

Triggers: ``issues`` opened with the form's label (``kennis:request``), ``issue_comment``
created with ``/claim`` or ``/unclaim`` on such an issue, and ``pull_request`` closed (merged)
from a ``kennis/request-<n>`` branch. Every step is idempotent: the triage and the closing
comment carry markers, replies are keyed by the comment that asked, and a claim reuses the
request's one branch and its open pull request.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from github import GithubException
from github.Issue import Issue
from github.Repository import Repository

from kennis.files import write_atomic
from kennis.handles import is_bot
from kennis.history_build import index_for
from kennis.i18n import translator
from kennis.kb import load_kb
from kennis.markdown import escape_lines, plain_title
from kennis.requests import (
    CLAIMED,
    CLOSED_MARKER,
    LABEL,
    OPEN,
    TITLE_PREFIX,
    TRIAGE_MARKER,
    RequestForm,
    branch_for,
    command,
    draft_page,
    form_body,
    page_of_body,
    parse_form,
    pr_body,
    request_of_branch,
    request_title,
    section_folder,
    suggest_experts,
    thanks,
    triage_comment,
    wanted_stub,
)
from review_bot.language import repo_translator
from review_bot.locks import KeyedLocks
from review_bot.mirror import Commit, push
from review_bot.proposals import open_pull, remote_tip
from review_bot.requests_intake import REQUEST_EVENT
from review_bot.routing import DeliveryContext, Router
from review_bot.settings import Settings

AUTHOR = ("kennis-bot", "kennis-bot@users.noreply.github.com")
PUBLIC_MARKER = "<!-- kennis:request-id {id} -->"
REPLY_MARKER = "<!-- kennis:request-reply {key} -->"

router = Router()
_locks: KeyedLocks[tuple[str, int]] = KeyedLocks()  # one claim at a time per request


def today() -> date:
    return datetime.now(UTC).date()


def _repo(ctx: DeliveryContext) -> Repository:
    return ctx.github.get_repo(ctx.repo_full_name or "", lazy=True)


def _is_request(issue: dict[str, Any]) -> bool:
    labels = {(lab or {}).get("name", "").lower() for lab in issue.get("labels") or []}
    return LABEL in labels and not issue.get("pull_request")


def _default(ctx: DeliveryContext) -> str:
    return str(ctx.repository.get("default_branch") or "main")


# -- a request from the site (POST /requests) --------------------------------------------------


@router.on(REQUEST_EVENT)
def on_public_request(ctx: DeliveryContext) -> None:
    """File a reader's request as the issue the form makes (once per request id)."""
    raw = ctx.payload.get("request")
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise ValueError("a request delivery without its request")
    text = {k: str(raw.get(k) or "") for k in ("need", "purpose", "section", "who")}
    form = RequestForm(**{k: v if k == "section" else escape_lines(v) for k, v in text.items()})
    marker = PUBLIC_MARKER.format(id=raw["id"])
    repo = _site_repo(ctx)
    with _locks.hold(((ctx.repo_full_name or "").lower(), 0)):
        if any(marker in (i.body or "") for i in repo.get_issues(state="all", labels=[LABEL])):
            return
        title = TITLE_PREFIX + plain_title(text["need"].splitlines()[0] if text["need"] else "")
        repo.create_issue(title=title, body=f"{form_body(form)}\n\n{marker}", labels=[LABEL])


def _site_repo(ctx: DeliveryContext) -> Repository:
    """The site repository through its own installation (a reader's request carries none)."""
    app, name = ctx.app, ctx.repo_full_name or ""
    if app is None:
        raise RuntimeError("requests from the site need the App's credentials")
    return app.client(app.installation_for(name)).get_repo(name, lazy=True)


# -- triage ------------------------------------------------------------------------------------


@router.on("issues", "opened", "labeled")
def on_opened(ctx: DeliveryContext) -> None:
    """Label a new request open and suggest who could write it, once."""
    issue = ctx.payload.get("issue") or {}
    if not _is_request(issue) or issue.get("state") != "open":
        return
    added = ((ctx.payload.get("label") or {}).get("name") or "").lower()
    if ctx.action == "labeled" and added != LABEL:
        return  # GitHub sends "labeled" for every label, ours included
    with _locks.hold(((ctx.repo_full_name or "").lower(), int(issue["number"]))):
        _triage(ctx, issue)


def _triage(ctx: DeliveryContext, issue: dict[str, Any]) -> None:
    live = _repo(ctx).get_issue(issue["number"])
    names = {label.name.lower() for label in live.labels}
    if CLAIMED not in names and OPEN not in names:
        live.add_to_labels(OPEN)
    if any(TRIAGE_MARKER in (c.body or "") for c in live.get_comments()):
        return
    form = parse_form(issue.get("body"))
    default = _default(ctx)
    ctx.mirror.fetch(default)
    rev = f"refs/heads/{default}"
    kb = load_kb(ctx.mirror.tree_at(rev))
    index = index_for(ctx.mirror, kb.config, rev=rev)
    requester = (issue.get("user") or {}).get("login")
    experts = suggest_experts(kb, index, form.section, requester, today())
    known = section_folder(kb, form.section) is not None
    tr = translator(kb.config.language)
    live.create_comment(triage_comment(experts, form.section, known, tr))
    write_requests_file(ctx)


# -- /claim and /unclaim ----------------------------------------------------------------------


@router.on("issue_comment", "created")
def on_comment(ctx: DeliveryContext) -> None:
    """``/claim`` takes the request and opens its draft; ``/unclaim`` gives it back."""
    issue, comment = ctx.payload.get("issue") or {}, ctx.payload.get("comment") or {}
    sender = (ctx.payload.get("sender") or {}).get("login")
    what = command(comment.get("body"))
    if what is None or not _is_request(issue) or not isinstance(sender, str) or is_bot(sender):
        return
    key = f"comment-{comment.get('id')}"
    with _locks.hold(((ctx.repo_full_name or "").lower(), int(issue["number"]))):
        live = _repo(ctx).get_issue(issue["number"])
        if what == "claim":
            _claim(ctx, live, sender, key)
        else:
            _unclaim(ctx, live, sender, key)
    write_requests_file(ctx)


def _claimer(live: Issue) -> str | None:
    return live.assignees[0].login if live.assignees else None


def _claim(ctx: DeliveryContext, live: Issue, sender: str, key: str) -> None:
    claimer = _claimer(live)
    if live.state != "open":
        tr = repo_translator(ctx)
        return _reply_once(
            live, key, tr._("@{sender}, this request is closed already.", sender=sender)
        )
    if claimer is not None and claimer.lower() != sender.lower():
        text = repo_translator(ctx)._(
            "Thanks, @{sender}! {claimer} is already writing this page. Ask them to `/unclaim` "
            "it first.",
            sender=sender,
            claimer="@" + claimer,
        )
        return _reply_once(live, key, text)
    if _repo(ctx).get_collaborator_permission(sender) == "none":
        text = repo_translator(ctx)._(
            "Sorry, @{sender}: only people with access to this repository can claim a request.",
            sender=sender,
        )
        return _reply_once(live, key, text)
    if claimer is None:
        live.add_to_assignees(sender)
    _swap_labels(live, add=CLAIMED, drop=OPEN)
    _propose(ctx, live, sender)


def _unclaim(ctx: DeliveryContext, live: Issue, sender: str, key: str) -> None:
    """Free the request (the claimer, or an admin), answering once.

    Every answer is a reply keyed by the comment, so a redelivered ``/unclaim`` finds its reply
    and does nothing more.
    """
    marker = REPLY_MARKER.format(key=key)
    if any(marker in (c.body or "") for c in live.get_comments()):
        return
    claimer = _claimer(live)
    tr = repo_translator(ctx)
    if claimer is None:
        text = tr._(
            "@{sender}, nobody has claimed this request, so there is nothing to `/unclaim`.",
            sender=sender,
        )
        return _reply_once(live, key, text)
    if claimer.lower() != sender.lower() and _repo(ctx).get_collaborator_permission(sender) not in (
        "admin",
        "maintain",
    ):
        text = tr._(
            "Sorry, @{sender}: only {claimer} (who claimed it) can `/unclaim` this request.",
            sender=sender,
            claimer="@" + claimer,
        )
        return _reply_once(live, key, text)
    live.remove_from_assignees(claimer)
    _swap_labels(live, add=OPEN, drop=CLAIMED)
    text = tr._(
        "{claimer} no longer writes this page: it is open again, anyone can `/claim` it.",
        claimer="@" + claimer,
    )
    _reply_once(live, key, text)


def _swap_labels(live: Issue, add: str, drop: str) -> None:
    """Replace one state label with the other in one call.

    The whole list is set (PUT) because our labels contain "/", which PyGithub leaves unquoted
    in the DELETE path, where GitHub reads it as a path separator.
    """
    names = [label.name for label in live.labels]
    wanted = [n for n in names if n.lower() != drop] + (
        [add] if add not in map(str.lower, names) else []
    )
    if wanted != names:
        live.set_labels(*wanted)


def _reply_once(live: Issue, key: str, text: str) -> None:
    marker = REPLY_MARKER.format(key=key)
    if not any(marker in (c.body or "") for c in live.get_comments()):
        live.create_comment(f"{marker}\n{text}")


def _propose(ctx: DeliveryContext, live: Issue, claimer: str) -> None:
    """The request's draft page on ``kennis/request-<n>``, and one draft pull request for it."""
    repo, branch, default = _repo(ctx), branch_for(live.number), _default(ctx)
    owner = (ctx.repo_full_name or "").split("/")[0]
    if list(repo.get_pulls(state="open", head=f"{owner}:{branch}")):
        return  # a redelivered or repeated claim: the draft is there
    mirror = ctx.mirror
    mirror.fetch(default)
    base = mirror.rev_parse(f"refs/heads/{default}")
    assert base is not None
    kb = load_kb(mirror.tree_at(f"refs/heads/{default}"))
    tr = translator(kb.config.language)
    form = parse_form(live.body)
    title = request_title(" ".join(live.title.split()), form)
    stub = wanted_stub(kb, title, section_folder(kb, form.section))
    stub_text = (mirror.read_file(base, stub) or b"").decode("utf-8") if stub else None
    page = draft_page(kb, title, form.section, claimer, live.html_url, today(), stub_text, stub)
    if remote_tip(mirror, branch) is None:
        start = tr._("Start {path} for request #{number}", path=page.path, number=live.number)
        by = tr._("Claimed by @{claimer}.", claimer=claimer)
        message = f"{start}\n\n{by}\n"
        sha = Commit(mirror, base).create({page.path: page.text.encode()}, message, AUTHOR)
        push(mirror, sha, branch, lease="")
    body = pr_body(form, page, live.number, claimer, tr)
    write = tr._("Write: {title}", title=title)
    open_pull(repo, owner, default, branch, write, body, draft=True)


# -- closure -----------------------------------------------------------------------------------


@router.on("pull_request", "closed")
def on_merged(ctx: DeliveryContext) -> None:
    """The requested page is merged: thank the requester and the author, close the request."""
    pull = ctx.payload.get("pull_request") or {}
    number = request_of_branch(str((pull.get("head") or {}).get("ref") or ""))
    if number is None or not pull.get("merged"):
        return
    with _locks.hold(((ctx.repo_full_name or "").lower(), number)):
        _close(ctx, number, pull)
    write_requests_file(ctx)


def _close(ctx: DeliveryContext, number: int, pull: dict[str, Any]) -> None:
    live = _repo(ctx).get_issue(number)
    if live.pull_request is not None or LABEL not in {lab.name.lower() for lab in live.labels}:
        return
    if not any(CLOSED_MARKER in (c.body or "") for c in live.get_comments()):
        requester = live.user.login if live.user else None
        author = _claimer(live) or (pull.get("user") or {}).get("login")
        path = _requested_path(ctx)
        live.create_comment(thanks(requester, author, path, repo_translator(ctx)))
    if live.state == "open":
        live.edit(state="closed", state_reason="completed")


def _requested_path(ctx: DeliveryContext) -> str | None:
    """The page the request's pull request wrote, as its body's marker names it (for the thanks)."""
    return page_of_body(str((ctx.payload.get("pull_request") or {}).get("body") or ""))


# -- what the site's builds learn -------------------------------------------------------------


def requests_file(settings: Settings) -> Path:
    """The request issues as the Issues API lists them, for the self-hosted site's builds."""
    return settings.data_dir / "requests" / "requests.json"


@router.on("push")
def on_push(ctx: DeliveryContext) -> None:
    """Before the site is built (the deploy concern runs after this one), refresh the list.

    GitHub sends no event for a 👍, so each build of the default branch reads them afresh.
    """
    default = f"refs/heads/{_default(ctx)}"
    site = (ctx.settings.site_repo or "").lower()
    if ctx.payload.get("ref") != default or not site or site != (ctx.repo_full_name or "").lower():
        return
    try:
        write_requests_file(ctx)
    except GithubException as exc:  # the deploy goes on with the list it had
        ctx.log.warning("knowledge requests not refreshed before the build: GitHub %s", exc.status)


def write_requests_file(ctx: DeliveryContext) -> None:
    """Write the site repository's request issues (open and closed) where its builds read them."""
    site = ctx.settings.site_repo
    if not site or site.lower() != (ctx.repo_full_name or "").lower():
        return
    issues = _repo(ctx).get_issues(state="all", labels=[LABEL])
    data = [issue.raw_data for issue in issues]
    write_atomic(requests_file(ctx.settings), json.dumps(data, indent=1).encode())
