"""Readers' feedback concern: one issue per page, coalesced writes, the reported-outdated state.

Reports come from ``POST /feedback`` (a ``kennis_feedback`` delivery) or from the
``outdated.yml`` issue form. Each page's issue is written at most once per
``KENNIS_FEEDBACK_WRITE_EVERY`` seconds: a report inside the window queues one delayed
``kennis_feedback_flush`` delivery (deduplicated by its due time), which writes whatever changed.
A push to the default branch that touches a reported page (an edit or a confirmation) clears
its reports and closes the issue with thanks, crediting whoever confirmed or edited it
(``review_bot.credit.record_resolved``).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from github import GithubException
from github.Repository import Repository

from kennis import feedback as fb
from kennis.handles import handle_key, is_bot, parse_handle
from kennis.i18n import Translator, translator
from kennis.urls import page_url
from review_bot.credit import record_resolved
from review_bot.feedback_intake import FEEDBACK_EVENT, SitePages, read_pages
from review_bot.feedback_store import FeedbackTables, feedback_store
from review_bot.language import repo_translator
from review_bot.locks import KeyedLocks
from review_bot.mirror import Mirror
from review_bot.routing import DeliveryContext, Router

FLUSH_EVENT = "kennis_feedback_flush"
FORM_TITLE = "[outdated] "
_FORM_PAGE = re.compile(r"^### Page\s*\n+\s*(\S[^\n]*)", re.MULTILINE)
# The page info box's older "Report outdated" link (kennis/pageinfo report_url) files these.
LINK_TITLE = "Outdated: "
LINK_QUESTION = "What is wrong or missing?"
_LINK_PAGE = re.compile(r"\(`([^`\n]+)`\) looks outdated\.")
_FORM_DETAILS = re.compile(r"^### What is out of date\?\s*\n+(.*?)(?=^### |\Z)", re.M | re.S)

router = Router()
# One page's issue is written by one worker at a time, on any replica (one issue per page).
_pages_locks: KeyedLocks[str] = KeyedLocks(lambda key: f"feedback:{key}")


def _store(ctx: DeliveryContext) -> FeedbackTables:
    return feedback_store(ctx)


def _site_repo(ctx: DeliveryContext) -> Repository:
    """The site repository through its own installation (reports carry no installation id)."""
    app = ctx.app
    name = ctx.repo_full_name or ""
    if app is None:
        raise RuntimeError("reader feedback needs the App's credentials")
    if ctx.installation_id is not None:
        return ctx.github.get_repo(name)
    return app.client(app.installation_for(name)).get_repo(name)


@router.on(FEEDBACK_EVENT)
def on_report(ctx: DeliveryContext) -> None:
    """Store the reader's report (once), then write the page's issue if its window allows."""
    raw = ctx.payload.get("report")
    if not isinstance(raw, dict):
        raise ValueError("a feedback delivery without its report")
    report = fb.Report(
        id=str(raw["id"]),
        page=str(raw["page"]),
        kind=str(raw["kind"]),
        on=date.fromisoformat(str(raw["on"])),
        comment=str(raw.get("comment") or ""),
        identity=raw.get("identity") if isinstance(raw.get("identity"), str) else None,
    )
    _store(ctx).add(ctx.repo_full_name or "", report)
    flush(ctx, report.page)


@router.on(FLUSH_EVENT)
def on_flush(ctx: DeliveryContext) -> None:
    page = ctx.payload.get("page")
    if isinstance(page, str):
        flush(ctx, page)


def flush(ctx: DeliveryContext, page: str) -> None:
    """At most one GitHub write for *page* now; anything left waits for the next window."""
    repo_name = ctx.repo_full_name or ""
    store = _store(ctx)
    every = ctx.settings.feedback_write_every
    with _pages_locks.hold(f"{repo_name.lower()}\0{page}"):
        state = store.page_state(repo_name, page)
        now = time.time()
        if state.last_write + every > now:
            _schedule(ctx, page, state.last_write + every)
            return
        repo = _site_repo(ctx)
        pages = _pages_of(ctx, repo)
        if _write_once(ctx, repo, pages, page, store):
            _schedule(ctx, page, time.time() + every)
    write_reports_file(ctx)


def _write_once(
    ctx: DeliveryContext, repo: Repository, pages: SitePages, page: str, store: FeedbackTables
) -> bool:
    """Do the one most useful write for *page*; True if one was made (more may follow)."""
    name = ctx.repo_full_name or ""
    reports = store.open_reports(name, page)
    state = store.page_state(name, page)
    if not reports:
        return False
    owner = pages.owners.get(page)
    reviewers = set(pages.reviewers.get(page, ()))
    reports = [r if r.by_owner else _owner_flag(r, reviewers) for r in reports]
    body, labels = _wanted(ctx, pages, page, owner, reports)
    written = hashlib.sha256(json.dumps([body, labels]).encode()).hexdigest()
    number, was = state.issue, state.written
    if number is None:
        _ensure_labels(repo)
        number, was = _open_issue_of(repo, page), ""  # an adopted issue's text is rewritten
        if number is None:
            issue = _create(repo, page, body, labels, owner, translator(pages.language))
            store.wrote(name, page, issue, written)
            return True
    pending = store.unposted(name, page)
    if pending:
        comments, posted = fb.comment_batch(pending, translator(pages.language))
        repo.get_issue(number).create_comment(comments)  # the rest: in the next window
        store.mark_posted([r.id for r in posted])
        store.wrote(name, page, number, was)
        return True
    if written != was:
        repo.get_issue(number).edit(body=body, labels=labels, state="open")
        store.wrote(name, page, number, written)
        return True
    return False  # an unchanged tally writes nothing


def _owner_flag(report: fb.Report, reviewers: set[str]) -> fb.Report:
    if report.identity and handle_key(report.identity.lstrip("@")) in reviewers:
        return replace(report, by_owner=True)
    return report


def _wanted(
    ctx: DeliveryContext, pages: SitePages, page: str, owner: str | None, reports: list[fb.Report]
) -> tuple[str, list[str]]:
    url = page_url(ctx.settings.public_url, pages.content_dir, page)
    threshold = pages.outdated_reports
    body = fb.issue_body(page, owner, reports, threshold, url, translator(pages.language))
    labels = [fb.LABEL]
    if fb.is_reported_outdated(reports, threshold):
        labels.append(fb.OUTDATED_LABEL)
    return body, labels


def _create(
    repo: Repository, page: str, body: str, labels: list[str], owner: str | None, tr: Translator
) -> int:
    handle = parse_handle(owner) if owner else None
    assignees = [handle.login] if handle is not None and not handle.is_team else []
    title = fb.issue_title(page, tr)
    try:
        issue = repo.create_issue(title, body, labels=labels, assignees=assignees)
    except GithubException as exc:
        if exc.status != 422 or not assignees:
            raise
        issue = repo.create_issue(title, body, labels=labels)
    return issue.number


def _open_issue_of(repo: Repository, page: str) -> int | None:
    """The App's open feedback issue for *page* that the tables do not know, if there is one.

    A process stopped between creating it and recording it, or tables in a new database (say,
    moving to PostgreSQL for replicas), would otherwise open a second issue for the page. One
    listing, made only before a page's first issue.
    """
    for issue in repo.get_issues(state="open", labels=[fb.LABEL]):
        mine = issue.pull_request is None and is_bot(issue.user.login)
        if mine and fb.page_of(issue.body) == page:
            return int(issue.number)
    return None


def _ensure_labels(repo: Repository) -> None:
    for name, color, about in (
        (fb.LABEL, fb.LABEL_COLOR, fb.LABEL_DESCRIPTION),
        (fb.OUTDATED_LABEL, fb.OUTDATED_COLOR, fb.OUTDATED_DESCRIPTION),
    ):
        try:
            repo.create_label(name, color, about)
        except GithubException as exc:
            if exc.status != 422:  # already there
                raise


def _schedule(ctx: DeliveryContext, page: str, due: float) -> None:
    """One delayed flush per page and window (its id is its due time: a redelivery is a no-op)."""
    name = ctx.repo_full_name or ""
    key = hashlib.sha256(f"{name.lower()}\0{page}".encode()).hexdigest()[:20]
    payload = {"repository": {"full_name": name}, "page": page}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    ctx.ledger.record(f"feedback-flush-{key}-{int(due)}", FLUSH_EVENT, raw, payload, now=due)


def _pages_of(ctx: DeliveryContext, repo: Repository) -> SitePages:
    """The site's pages at the default branch's tip (the mirror is fetched first)."""
    token = ctx.installation_token if repo.clone_url.startswith("https://") else None
    mirror = Mirror.for_repository(
        ctx.mirrors_root, repo.full_name, repo.clone_url, token, ctx.settings.child_env
    )
    mirror.fetch(repo.default_branch)
    sha = mirror.rev_parse(f"refs/heads/{repo.default_branch}") or "HEAD"
    return read_pages(mirror, sha)


# -- the issue form (no JavaScript, no endpoint) ------------------------------------------------


@router.on("issues", "opened")
def on_form_issue(ctx: DeliveryContext) -> None:
    """An issue from ``outdated.yml`` counts as an outdated report and joins the page's issue."""
    issue = ctx.payload.get("issue")
    if not isinstance(issue, dict) or _by_bot(issue):
        return
    fields = _form_fields(issue)
    if fields is None:
        return
    repo = _site_repo(ctx)
    pages = _pages_of(ctx, repo)
    page = _form_page(fields[0], pages)
    if page is None:
        return
    login = str((issue.get("user") or {}).get("login") or "")
    report = fb.Report(
        id=f"issue-{issue.get('number')}",
        page=page,
        kind="outdated",
        on=datetime.now(UTC).date(),
        comment=fields[1],
        identity=f"@{login}" if login else None,
        by_owner=handle_key(login) in set(pages.reviewers.get(page, ())) if login else False,
    )
    _store(ctx).add(ctx.repo_full_name or "", report)
    flush(ctx, page)
    state = _store(ctx).page_state(ctx.repo_full_name or "", page)
    tr, owner = translator(pages.language), pages.owners.get(page)
    if state.issue and owner:
        note = tr._(
            "Thanks — this report joins #{issue}; {owner} has been asked.",
            issue=state.issue,
            owner=owner,
        )
    elif state.issue:
        note = tr._("Thanks — this report joins #{issue}.", issue=state.issue)
    elif owner:
        note = tr._("Thanks — noted; {owner} has been asked.", owner=owner)
    else:
        note = tr._("Thanks — noted.")
    form = repo.get_issue(int(issue["number"]))
    form.create_comment(note + "\n<!-- kennis:feedback-form -->\n")
    form.edit(state="closed", state_reason="completed")


def _form_fields(issue: dict[str, Any]) -> tuple[str, str] | None:
    """(page, details) of an issue from ``outdated.yml`` or the page's older pre-filled link."""
    title, body = str(issue.get("title") or ""), str(issue.get("body") or "")
    if title.startswith(FORM_TITLE):
        found, details = _FORM_PAGE.search(body), _FORM_DETAILS.search(body)
        text = details.group(1).strip() if details else ""
    elif title.startswith(LINK_TITLE):
        found = _LINK_PAGE.search(body)
        text = body.split(LINK_QUESTION, 1)[1].strip() if LINK_QUESTION in body else ""
    else:
        return None
    if found is None:
        return None
    return found.group(1).strip(), text.replace("_No response_", "").strip()


def _by_bot(issue: dict[str, Any]) -> bool:
    user = issue.get("user")
    return isinstance(user, dict) and str(user.get("login", "")).endswith("[bot]")


def _form_page(raw: str, pages: SitePages) -> str | None:
    """The form's page field (a path, or the page's address) as a repository path."""
    text = raw.strip().strip("`").split("#")[0].split("?")[0]
    for candidate in (text, f"{pages.content_dir}/{text.lstrip('/')}"):
        if candidate in pages.owners:
            return candidate
    for path in pages.owners:  # an address: match the page's URL tail
        rel = path[len(pages.content_dir) + 1 :]
        tail = rel.removesuffix(".md").removesuffix("/index")
        if tail and text.rstrip("/").endswith(tail):
            return path
    return None


# -- clearing: a push that edits or confirms a reported page ------------------------------------


@router.on("push")
def on_push(ctx: DeliveryContext) -> None:
    """Reports on pages this push changed are cleared; their issues close with thanks."""
    payload: dict[str, Any] = ctx.payload
    branch = ctx.repository.get("default_branch")
    if payload.get("ref") != f"refs/heads/{branch}" or not ctx.repo_full_name:
        return
    site = ctx.settings.site_repo
    if not site or site.lower() != ctx.repo_full_name.lower():
        return  # reports are only taken for the one site repository
    store = _store(ctx)
    reported = store.pages_with_reports(ctx.repo_full_name)
    if reported:
        before, after = str(payload.get("before") or ""), str(payload.get("after") or "")
        changed = _changed(ctx, before, after)
        for page in (p for p in reported if p in changed):
            _clear(ctx, store, page, before, after)
    write_reports_file(ctx)


def _changed(ctx: DeliveryContext, before: str, after: str) -> set[str]:
    mirror = ctx.mirror
    mirror.fetch(after)
    if not before.strip("0"):
        return set()
    out = mirror.git("diff", "--name-only", "--no-renames", before, after, "--")
    return set(out.decode("utf-8", "surrogateescape").splitlines())


def _clear(ctx: DeliveryContext, store: FeedbackTables, page: str, before: str, after: str) -> None:
    name = ctx.repo_full_name or ""
    with _pages_locks.hold(f"{name.lower()}\0{page}"):
        reports = store.open_reports(name, page)
        state = store.page_state(name, page)
        store.clear(name, page)
        if state.issue is None:
            return
        issue = ctx.github.get_repo(name).get_issue(state.issue)
        issue.create_comment(fb.thanks_text(reports, repo_translator(ctx)))
        issue.edit(state="closed", state_reason="completed", labels=[fb.LABEL])
        store.wrote(name, page, state.issue, "")
    record_resolved(ctx, page, state.issue, before, after)  # credit on the Contributors page


def write_reports_file(ctx: DeliveryContext) -> Path:
    """The open reports per page, for the self-hosted build's banner (next to the sites)."""
    from kennis.files import write_atomic

    name = ctx.repo_full_name or ""
    store = _store(ctx)
    data: dict[str, Any] = {}
    for page in store.pages_with_reports(name):
        reports = store.open_reports(name, page)
        data[page] = fb.reports_summary(reports)
    path = ctx.settings.feedback_reports_file
    write_atomic(path, json.dumps({"pages": data}, indent=1).encode())
    return path
