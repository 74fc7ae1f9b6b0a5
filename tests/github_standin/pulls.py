"""Pull request routes: get/list/create/update, files (3,000 cap), requested reviewers, reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import shapes
from .core import ApiError, Reply, Request, not_found, page, repo_of, route, validation_failed
from .review_comments import review_comments
from .shapes_pulls import diff_entry, pull
from .state import Issue, Pull, Repo, Review, now_iso

if TYPE_CHECKING:
    from .server import GitHubStandIn

FILES_CAP = 3000  # GitHub lists at most 3,000 files of a pull request
DOC_REVIEWERS = (
    "https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request"
)
AUTHOR_MESSAGE = "Review cannot be requested from pull request author."
NOT_COLLABORATOR = (
    "Reviews may only be requested from collaborators. One or more of the users or teams you "
    "specified is not a collaborator of the {repo} repository."
)


def _pull(gh: GitHubStandIn, req: Request) -> tuple[Repo, Issue]:
    repo = repo_of(gh, req)
    issue = repo.issues.get(req.param_int("number"))
    if issue is None or issue.pull is None:
        raise not_found()
    return repo, issue


@route("GET", "/repos/{owner}/{repo}/pulls/{number}")
def get_pull(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _pull(gh, req)
    return Reply(200, pull(gh.base_url, gh.store, repo, issue))


@route("PATCH", "/repos/{owner}/{repo}/pulls/{number}")
def edit_pull(gh: GitHubStandIn, req: Request) -> Reply:
    """Update a pull request: title, body, state (open/closed) — GitHub's 422 for a bad state."""
    repo, issue = _pull(gh, req)
    body = req.body_dict()
    if "state" in body:
        if body["state"] not in ("open", "closed"):
            raise validation_failed("PullRequest", "state", "invalid", body["state"])
        if body["state"] != issue.state:
            issue.state = body["state"]
            issue.closed_at = now_iso() if issue.state == "closed" else None
    for key in ("title", "body"):
        if key in body:
            setattr(issue, key, body[key])
    issue.updated_at = now_iso()
    return Reply(200, pull(gh.base_url, gh.store, repo, issue))


@route("GET", "/repos/{owner}/{repo}/pulls")
def list_pulls(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    state = req.query.get("state", "open")
    found = [
        i
        for i in sorted(repo.issues.values(), key=lambda i: -i.number)
        if i.pull
        and (state == "all" or i.state == state)
        and req.query.get("base", i.pull.base_ref) == i.pull.base_ref
        and req.query.get("head", f"{repo.owner}:{i.pull.head_ref}")
        == f"{repo.owner}:{i.pull.head_ref}"
    ]
    return page(gh, req, [pull(gh.base_url, gh.store, repo, i, full=False) for i in found])


@route("POST", "/repos/{owner}/{repo}/pulls")
def create_pull(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    body = req.body_dict()
    for key in ("head", "base"):
        if not isinstance(body.get(key), str):
            raise validation_failed("PullRequest", key, "missing_field")
    head_ref = body["head"].split(":")[-1]
    head_sha, base_sha = repo.resolve(head_ref), repo.resolve(body["base"])
    if head_sha is None or base_sha is None:
        raise validation_failed("PullRequest", "head" if head_sha is None else "base", "invalid")
    if head_sha == base_sha:
        raise ApiError(
            422,
            "Validation Failed",
            [
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": f"No commits between {body['base']} and {head_ref}",
                }
            ],
        )
    for other in repo.issues.values():
        if other.pull and other.state == "open" and other.pull.head_ref == head_ref:
            raise ApiError(
                422,
                "Validation Failed",
                [
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": f"A pull request already exists for {repo.owner}:{head_ref}.",
                    }
                ],
            )
    stamp = now_iso()
    issue = Issue(
        repo.next_number(),
        gh.store.new_id(),
        body.get("title") or head_ref,
        body.get("body"),
        req.actor or "ghost",
        stamp,
        stamp,
    )
    issue.pull = Pull(
        gh.store.new_id(), head_sha, base_sha, head_ref, body["base"], [], bool(body.get("draft"))
    )
    repo.issues[issue.number] = issue
    repo._sha_cache.clear()
    return Reply(201, pull(gh.base_url, gh.store, repo, issue))


@route("GET", "/repos/{owner}/{repo}/pulls/{number}/files")
def list_files(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _pull(gh, req)
    assert issue.pull is not None
    sha = issue.pull.head_sha
    return page(
        gh,
        req,
        issue.pull.files,
        cap=FILES_CAP,
        render=lambda f: diff_entry(gh.base_url, repo, sha, f),
    )


@route("GET", "/repos/{owner}/{repo}/pulls/{number}/requested_reviewers")
def list_requested(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _pull(gh, req)
    assert issue.pull is not None
    teams = [gh.store.team(repo.owner, t) for t in issue.pull.requested_teams]
    return Reply(
        200,
        {
            "users": [shapes.login(gh.base_url, gh.store, u) for u in issue.pull.requested_users],
            "teams": [shapes.team(gh.base_url, gh.store, t) for t in teams if t],
        },
    )


def _names(body: dict[str, object], key: str) -> list[str]:
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(
            422, f"Invalid request.\n\nFor 'properties/{key}', {value!r} is not an array."
        )
    return list(value)


@route("POST", "/repos/{owner}/{repo}/pulls/{number}/requested_reviewers")
def request_reviewers(gh: GitHubStandIn, req: Request) -> Reply:
    """All or nothing, as GitHub: one bad name rejects the whole request with a 422."""
    repo, issue = _pull(gh, req)
    assert issue.pull is not None
    body = req.body_dict()
    users, teams = _names(body, "reviewers"), _names(body, "team_reviewers")
    if not users and not teams:
        raise ApiError(422, 'Invalid request.\n\n"reviewers" or "team_reviewers" wasn\'t supplied.')
    if any(u.lower() == issue.user.lower() for u in users):
        raise ApiError(422, AUTHOR_MESSAGE, doc=DOC_REVIEWERS)
    team_ok = {t.slug.lower() for t in gh.store.teams_for_repo(repo)}
    if any(gh.store.permission(repo, u) == "none" for u in users) or any(
        t.lower() not in team_ok for t in teams
    ):
        raise ApiError(422, NOT_COLLABORATOR.format(repo=repo.full_name), doc=DOC_REVIEWERS)
    pr = issue.pull
    for u in users:
        if u.lower() not in {x.lower() for x in pr.requested_users}:
            pr.requested_users.append(gh.store.user(u).login)
    for t in teams:
        team = gh.store.team(repo.owner, t)
        if team and team.slug not in pr.requested_teams:
            pr.requested_teams.append(team.slug)
    issue.updated_at = now_iso()
    return Reply(201, pull(gh.base_url, gh.store, repo, issue, full=False))


@route("DELETE", "/repos/{owner}/{repo}/pulls/{number}/requested_reviewers")
def remove_reviewers(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _pull(gh, req)
    assert issue.pull is not None
    body = req.body_dict()
    drop_users = {u.lower() for u in _names(body, "reviewers")}
    drop_teams = {t.lower() for t in _names(body, "team_reviewers")}
    pr = issue.pull
    pr.requested_users = [u for u in pr.requested_users if u.lower() not in drop_users]
    pr.requested_teams = [t for t in pr.requested_teams if t.lower() not in drop_teams]
    return Reply(200, pull(gh.base_url, gh.store, repo, issue, full=False))


@route("GET", "/repos/{owner}/{repo}/pulls/{number}/reviews")
def list_reviews(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _pull(gh, req)
    assert issue.pull is not None
    found = [
        shapes.review(gh.base_url, gh.store, repo, issue.number, r) for r in issue.pull.reviews
    ]
    return page(gh, req, found)


_EVENTS = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}


@route("POST", "/repos/{owner}/{repo}/pulls/{number}/reviews")
def submit_review(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _pull(gh, req)
    pr = issue.pull
    assert pr is not None
    body = req.body_dict()
    event = body.get("event")
    actor = req.actor or "ghost"
    if event is not None and event not in _EVENTS:
        raise ApiError(
            422, "Unprocessable Entity", ["Event must be one of APPROVE, REQUEST_CHANGES, COMMENT"]
        )
    if event in ("APPROVE", "REQUEST_CHANGES") and actor.lower() == issue.user.lower():
        verb = "approve" if event == "APPROVE" else "request changes on"
        raise ApiError(422, "Unprocessable Entity", [f"Can not {verb} your own pull request"])
    if event in ("REQUEST_CHANGES", "COMMENT") and not body.get("body"):
        raise ApiError(
            422, "Unprocessable Entity", [f"Review Can not {event.lower()} without a body"]
        )
    comments = review_comments(repo, pr, body)
    state = _EVENTS.get(event or "", "PENDING")
    review = Review(
        gh.store.new_id(),
        actor,
        state,
        body.get("body") or "",
        body.get("commit_id") or pr.head_sha,
        now_iso(),
        comments,
    )
    pr.reviews.append(review)
    if state != "PENDING":
        pr.requested_users = [u for u in pr.requested_users if u.lower() != actor.lower()]
    return Reply(200, shapes.review(gh.base_url, gh.store, repo, issue.number, review))
