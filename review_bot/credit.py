"""Credit for upkeep the App sees: reviews of knowledge pull requests, resolved reader feedback.

A ``pull_request_review`` (submitted) on a pull request that touches pages is kept in a small
per-repository file under the data folder (``kennis.reviews`` format; a redelivery adds nothing),
which the App's own site builds read (``KENNIS_REVIEWS``) for the Contributors page. A site built
by a workflow gets the reviews from ``kennis-bot reviews`` (``reviews_from_api``). When a push
clears a page's reader feedback (``review_bot.feedback``), the person whose confirmation or edit
did it is credited in the same file (``record_resolved``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from github import GithubException
from github.Repository import Repository

from kennis.files import write_atomic
from kennis.handles import is_bot, noreply_login
from kennis.history_build import DEFAULT_BOTS
from kennis.owner_actions import TRAILERS
from kennis.reviews import ReviewsError, read_rows, reviews_json
from review_bot.locks import KeyedLocks
from review_bot.routing import DeliveryContext, Router

router = Router()
REVIEWS_ENV = "KENNIS_REVIEWS"  # the reviews file a site build reads
MEMBERS_ENV = "KENNIS_MEMBERS"  # the members file (collaborators) the health page reads
STATES = ("approved", "changes_requested", "commented")
# The App's commits name who confirmed or decided in a trailer: ``Confirmed-by: x <email>``.
_CREDIT_TRAILER = re.compile(
    rf"^(?:{'|'.join(map(re.escape, TRAILERS.values()))}):[^<\n]*<([^>\n]+)>[ \t]*$", re.M
)

_file_locks: KeyedLocks[str] = KeyedLocks()


def reviews_file(data_dir: Path, repo: str) -> Path:
    """Where the App keeps one repository's reviews."""
    owner, _, name = repo.lower().partition("/")
    return data_dir / "reviews" / f"{owner}__{name}.json"


@router.on("pull_request_review", "submitted")
def on_review(ctx: DeliveryContext) -> None:
    """Record a person's review of a knowledge pull request (one that touches pages)."""
    review, pull = ctx.payload.get("review") or {}, ctx.payload.get("pull_request") or {}
    login = (review.get("user") or {}).get("login")
    state = str(review.get("state") or "").lower()
    author = (pull.get("user") or {}).get("login")
    if not isinstance(login, str) or is_bot(login) or login == author or state not in STATES:
        return
    base, head = (pull.get("base") or {}).get("sha"), (pull.get("head") or {}).get("sha")
    number = pull.get("number")
    if not (isinstance(base, str) and isinstance(head, str) and isinstance(number, int)):
        return
    if not ctx.pull_request(number, base, head).pages:
        return  # not a knowledge pull request
    row = {
        "login": login,
        "pull": number,
        "state": state,
        "submitted_at": str(review.get("submitted_at") or ""),
    }
    record(reviews_file(ctx.settings.data_dir, ctx.repo_full_name or ""), [row])


def build_files(ctx: DeliveryContext) -> dict[str, str]:
    """Files the App hands its own site build: the reviews and the repository's members.

    Members are the collaborators (one paginated call); if GitHub will not list them the build
    goes ahead without the file and the health page does not judge who left.
    """
    data, repo = ctx.settings.data_dir, ctx.repo_full_name or ""
    env = {REVIEWS_ENV: str(reviews_file(data, repo))}
    members = reviews_file(data, repo).with_suffix(".members")
    try:
        logins = sorted(u.login for u in ctx.github.get_repo(repo).get_collaborators())
    except GithubException as exc:
        ctx.log.info("no members file for the build: %s", exc.status)
        return env
    write_atomic(members, "".join(f"{login}\n" for login in logins))
    return {**env, MEMBERS_ENV: str(members)}


def record(path: Path, rows: list[dict[str, Any]], key: str = "reviews") -> None:
    """Add rows to the file's ``key`` list (a row already there is not added twice)."""
    with _file_locks.hold(str(path)):
        try:
            known = read_rows(path.read_bytes(), str(path))
        except (OSError, ReviewsError):
            known = {"reviews": [], "feedback_resolved": []}
        merged = {json.dumps(r, sort_keys=True): r for r in [*known[key], *rows]}
        known[key] = list(merged.values())
        write_atomic(path, reviews_json(known["reviews"], known["feedback_resolved"]))


def resolver(message: str, email: str, login: str | None) -> str | None:
    """Who a commit credits: the person its trailer names, else its author's login; never a bot.

    The App's confirmations and decisions carry the trailer, and only a bot's commit is believed
    when it names someone else; other commits are credited to their author's GitHub login (from
    the push) or GitHub no-reply address.
    """
    app = email.strip().lower().encode() in DEFAULT_BOTS  # the App's own commits
    by_bot = app or is_bot(login or noreply_login(email) or "")
    named = [noreply_login(m[1]) for m in _CREDIT_TRAILER.finditer(message)] if by_bot else []
    for candidate in (*named, login, noreply_login(email)):
        if candidate and not is_bot(candidate):
            return candidate
    return None


def record_resolved(ctx: DeliveryContext, page: str, issue: int, before: str, after: str) -> None:
    """Credit the reader feedback on ``page`` (its issue now closed) to whoever resolved it.

    That is the newest commit of the push that touches the page: a merged confirmation credits
    the confirmer (its trailer), an edit its author (the push lists each commit's login); with
    neither, the person who pushed.
    """
    out = ctx.mirror.git(
        "log", "-1", "--format=%H%x00%ae%x00%cI%x00%B", f"{before}..{after}", "--", page
    )
    sha, email, when, message = (out.decode("utf-8", "replace").split("\0", 3) + [""] * 4)[:4]
    logins = {
        c.get("id"): (c.get("author") or {}).get("username")
        for c in ctx.payload.get("commits") or []
        if isinstance(c, dict)
    }
    pusher = (ctx.payload.get("sender") or {}).get("login")
    login = resolver(message, email, logins.get(sha)) or resolver("", "", pusher)
    if login is None:
        return
    row = {"login": login, "issue": issue, "page": page, "resolved_at": when.strip()}
    path = reviews_file(ctx.settings.data_dir, ctx.repo_full_name or "")
    record(path, [row], "feedback_resolved")


def reviews_from_api(repo: Repository, content_dir: str) -> Iterator[dict[str, Any]]:
    """Reviews of every pull request that touches Markdown under ``content_dir`` (the workflow)."""
    prefix = content_dir.strip("/") + "/"
    for pull in repo.get_pulls(state="all"):
        if not any(
            f.filename.startswith(prefix) and f.filename.endswith(".md") for f in pull.get_files()
        ):
            continue
        for review in pull.get_reviews():
            login = review.user.login if review.user else None
            state = (review.state or "").lower()
            if login and not is_bot(login) and login != pull.user.login and state in STATES:
                when = review.submitted_at.isoformat() if review.submitted_at else ""
                yield {"login": login, "pull": pull.number, "state": state, "submitted_at": when}
