"""Credit for reviews: the App records reviews given on knowledge pull requests for the site.

A ``pull_request_review`` (submitted) on a pull request that touches pages is kept in a small
per-repository file under the data folder (``kennis.reviews`` format; a redelivery adds nothing),
which the App's own site builds read (``KENNIS_REVIEWS``) for the Contributors page. A site built
by a workflow gets the same file from ``kennis-bot reviews`` (``reviews_from_api``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from github import GithubException
from github.Repository import Repository

from kennis.files import write_atomic
from kennis.handles import is_bot
from kennis.reviews import reviews_json
from review_bot.locks import KeyedLocks
from review_bot.routing import DeliveryContext, Router

router = Router()
REVIEWS_ENV = "KENNIS_REVIEWS"  # the reviews file a site build reads
MEMBERS_ENV = "KENNIS_MEMBERS"  # the members file (collaborators) the health page reads
STATES = ("approved", "changes_requested", "commented")

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


def record(path: Path, rows: list[dict[str, Any]]) -> None:
    """Add review rows to the file (a row already there is not added twice)."""
    with _file_locks.hold(str(path)):
        try:
            known = json.loads(path.read_text(encoding="utf-8")).get("reviews", [])
        except (OSError, ValueError, AttributeError):
            known = []
        merged = {json.dumps(r, sort_keys=True): r for r in [*known, *rows]}
        write_atomic(path, reviews_json(merged.values()))


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
