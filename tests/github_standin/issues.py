"""Issue routes: issues (PRs included in lists), comments, labels and assignees."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any

from . import shapes
from .core import ApiError, Reply, Request, not_found, page, repo_of, route, validation_failed
from .state import Comment, Issue, Label, Repo, now_iso

if TYPE_CHECKING:
    from .server import GitHubStandIn

BODY_LIMIT = 65536  # characters GitHub takes in an issue or comment body


def _issue(gh: GitHubStandIn, req: Request) -> tuple[Repo, Issue]:
    repo = repo_of(gh, req)
    issue = repo.issues.get(req.param_int("number"))
    if issue is None:
        raise not_found()
    return repo, issue


def _assignable(gh: GitHubStandIn, repo: Repo, login: str) -> bool:
    return gh.store.permission(repo, login) != "none"


def _check_assignees(gh: GitHubStandIn, repo: Repo, names: list[str]) -> list[str]:
    for name in names:
        if not _assignable(gh, repo, name):
            raise validation_failed("Issue", "assignees", "invalid", name)
    return [gh.store.user(n).login for n in names]


def _labels(gh: GitHubStandIn, repo: Repo, names: list[Any]) -> list[str]:
    """GitHub creates labels that do not exist yet when they are set on an issue."""
    out = []
    for name in names:
        name = name["name"] if isinstance(name, dict) else str(name)
        label = repo.labels.get(name.lower())
        if label is None:
            label = repo.labels[name.lower()] = Label(gh.store.new_id(), name)
        if label.name not in out:
            out.append(label.name)
    return out


def _reply(gh: GitHubStandIn, repo: Repo, issue: Issue, status: int = 200) -> Reply:
    return Reply(status, shapes.issue(gh.base_url, gh.store, repo, issue))


@route("POST", "/repos/{owner}/{repo}/issues")
def create_issue(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    body = req.body_dict()
    if not body.get("title"):
        raise validation_failed("Issue", "title", "missing_field")
    names = list(body.get("assignees") or []) + ([body["assignee"]] if body.get("assignee") else [])
    assignees = _check_assignees(gh, repo, names)
    stamp = now_iso()
    issue = Issue(
        repo.next_number(),
        gh.store.new_id(),
        str(body["title"]),
        body.get("body"),
        req.actor or "ghost",
        stamp,
        stamp,
        _labels(gh, repo, body.get("labels") or []),
        assignees,
    )
    repo.issues[issue.number] = issue
    return _reply(gh, repo, issue, 201)


@route("GET", "/repos/{owner}/{repo}/issues/{number}")
def get_issue(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _issue(gh, req)
    return _reply(gh, repo, issue)


@route("PATCH", "/repos/{owner}/{repo}/issues/{number}")
def edit_issue(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _issue(gh, req)
    body = req.body_dict()
    if "state" in body:
        if body["state"] not in ("open", "closed"):
            raise validation_failed("Issue", "state", "invalid", body["state"])
        if body["state"] != issue.state:
            issue.state = body["state"]
            issue.closed_at = now_iso() if issue.state == "closed" else None
            issue.state_reason = body.get("state_reason") or (
                "completed" if issue.state == "closed" else "reopened"
            )
    if "assignees" in body:
        issue.assignees = _check_assignees(gh, repo, list(body["assignees"] or []))
    if "labels" in body:
        issue.labels = _labels(gh, repo, list(body["labels"] or []))
    for key in ("title", "body"):
        if key in body:
            setattr(issue, key, body[key])
    issue.updated_at = now_iso()
    return _reply(gh, repo, issue)


def _matches(issue: Issue, q: dict[str, str]) -> bool:
    state = q.get("state", "open")
    if state != "all" and issue.state != state:
        return False
    wanted = [w.strip().lower() for w in q.get("labels", "").split(",") if w.strip()]
    if not set(wanted) <= {name.lower() for name in issue.labels}:
        return False
    assignee = q.get("assignee")
    if assignee == "none" and issue.assignees:
        return False
    if assignee == "*" and not issue.assignees:
        return False
    if assignee not in (None, "none", "*") and assignee.lower() not in {
        a.lower() for a in issue.assignees
    }:
        return False
    creator = q.get("creator")
    return creator is None or creator.lower() == issue.user.lower()


@route("GET", "/repos/{owner}/{repo}/issues")
def list_issues(gh: GitHubStandIn, req: Request) -> Reply:
    """Lists pull requests too, as GitHub does (they carry a `pull_request` key)."""
    repo = repo_of(gh, req)
    key = (
        (lambda i: i.updated_at) if req.query.get("sort") == "updated" else (lambda i: i.created_at)
    )
    found = sorted(
        (i for i in repo.issues.values() if _matches(i, req.query)),
        key=lambda i: (key(i), i.number),
        reverse=req.query.get("direction", "desc") == "desc",
    )
    return page(gh, req, found, render=lambda i: shapes.issue(gh.base_url, gh.store, repo, i))


def _comment(gh: GitHubStandIn, repo: Repo, issue: Issue, c: Comment) -> dict[str, Any]:
    url = f"{gh.base_url}/repos/{repo.full_name}/issues/comments/{c.id}"
    return {
        "id": c.id,
        "node_id": shapes.node_id("IC", c.id),
        "url": url,
        "html_url": f"{gh.base_url}/{repo.full_name}/issues/{issue.number}#issuecomment-{c.id}",
        "body": c.body,
        "user": shapes.login(gh.base_url, gh.store, c.user),
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "issue_url": f"{gh.base_url}/repos/{repo.full_name}/issues/{issue.number}",
        "author_association": shapes._association(gh.store, repo, c.user),
        "reactions": shapes.reactions(url),
        "performed_via_github_app": None,
    }


@route("GET", "/repos/{owner}/{repo}/issues/{number}/comments")
def list_comments(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _issue(gh, req)
    return page(gh, req, [_comment(gh, repo, issue, c) for c in issue.comments])


@route("POST", "/repos/{owner}/{repo}/issues/{number}/comments")
def create_comment(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _issue(gh, req)
    text = req.body_dict().get("body")
    if not isinstance(text, str) or not text:
        raise validation_failed("IssueComment", "body", "missing_field")
    if len(text) > BODY_LIMIT:  # GitHub's own answer to an over-long comment
        raise ApiError(
            422,
            "Validation Failed",
            [
                {
                    "resource": "IssueComment",
                    "code": "custom",
                    "field": "body",
                    "message": f"body is too long (maximum is {BODY_LIMIT} characters)",
                }
            ],
        )
    stamp = now_iso()
    comment = Comment(gh.store.new_id(), text, req.actor or "ghost", stamp, stamp)
    issue.comments.append(comment)
    return Reply(201, _comment(gh, repo, issue, comment))


def _find_comment(gh: GitHubStandIn, req: Request) -> tuple[Repo, Issue, Comment]:
    repo = repo_of(gh, req)
    wanted = req.param_int("comment_id")
    for issue in repo.issues.values():
        for c in issue.comments:
            if c.id == wanted:
                return repo, issue, c
    raise not_found()


@route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
def get_comment(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue, comment = _find_comment(gh, req)
    return Reply(200, _comment(gh, repo, issue, comment))


@route("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
def edit_comment(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue, comment = _find_comment(gh, req)
    text = req.body_dict().get("body")
    if not isinstance(text, str) or not text:
        raise validation_failed("IssueComment", "body", "missing_field")
    comment.body, comment.updated_at = text, now_iso()
    return Reply(200, _comment(gh, repo, issue, comment))


@route("GET", "/repos/{owner}/{repo}/labels")
def list_labels(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    return page(gh, req, [shapes.label(gh.base_url, repo, lab) for lab in repo.labels.values()])


@route("GET", "/repos/{owner}/{repo}/labels/{name}")
def get_label(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    label = repo.labels.get(urllib.parse.unquote(req.params["name"]).lower())
    if label is None:
        raise not_found()
    return Reply(200, shapes.label(gh.base_url, repo, label))


@route("POST", "/repos/{owner}/{repo}/labels")
def create_label(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    body = req.body_dict()
    name = body.get("name")
    if not name:
        raise validation_failed("Label", "name", "missing_field")
    if name.lower() in repo.labels:
        raise validation_failed("Label", "name", "already_exists")
    label = Label(
        gh.store.new_id(), name, body.get("color", "ededed").lstrip("#"), body.get("description")
    )
    repo.labels[name.lower()] = label
    return Reply(201, shapes.label(gh.base_url, repo, label))


@route("POST", "/repos/{owner}/{repo}/issues/{number}/labels")
def add_labels(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _issue(gh, req)
    body = req.json if isinstance(req.json, list) else req.body_dict().get("labels", [])
    issue.labels = _labels(gh, repo, issue.labels + list(body))
    return Reply(200, shapes.issue_labels(gh.base_url, repo, issue.labels))


@route("PUT", "/repos/{owner}/{repo}/issues/{number}/labels")
def set_labels(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _issue(gh, req)
    body = req.json if isinstance(req.json, list) else req.body_dict().get("labels", [])
    issue.labels = _labels(gh, repo, list(body))
    return Reply(200, shapes.issue_labels(gh.base_url, repo, issue.labels))


@route("DELETE", "/repos/{owner}/{repo}/issues/{number}/labels/{name}")
def remove_label(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _issue(gh, req)
    name = urllib.parse.unquote(req.params["name"]).lower()
    if name not in {n.lower() for n in issue.labels}:
        raise ApiError(404, "Label does not exist")
    issue.labels = [n for n in issue.labels if n.lower() != name]
    return Reply(200, shapes.issue_labels(gh.base_url, repo, issue.labels))


@route("POST", "/repos/{owner}/{repo}/issues/{number}/assignees")
def add_assignees(gh: GitHubStandIn, req: Request) -> Reply:
    """Unassignable users are dropped silently here, as GitHub does (create/edit answer 422)."""
    repo, issue = _issue(gh, req)
    for name in req.body_dict().get("assignees") or []:
        if _assignable(gh, repo, name) and name.lower() not in {a.lower() for a in issue.assignees}:
            issue.assignees.append(gh.store.user(name).login)
    return _reply(gh, repo, issue, 201)


@route("DELETE", "/repos/{owner}/{repo}/issues/{number}/assignees")
def remove_assignees(gh: GitHubStandIn, req: Request) -> Reply:
    repo, issue = _issue(gh, req)
    drop = {n.lower() for n in req.body_dict().get("assignees") or []}
    issue.assignees = [a for a in issue.assignees if a.lower() not in drop]
    return _reply(gh, repo, issue)


@route("GET", "/repos/{owner}/{repo}/assignees/{login}")
def check_assignee(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    if not _assignable(gh, repo, req.params["login"]):
        raise not_found()
    return Reply(204)


@route("POST", "/repos/{owner}/{repo}/issues/{number}/reactions")
def add_reaction(gh: GitHubStandIn, req: Request) -> Reply:
    """One reaction per person and content: 201 when new, 200 when it was already there."""
    _, issue = _issue(gh, req)
    content = req.body_dict().get("content")
    if content not in shapes.REACTIONS:
        raise validation_failed("Reaction", "content", "invalid", content)
    who = gh.store.user(req.actor or "ghost")
    people = issue.reactions.setdefault(str(content), [])
    status = 200 if who.login in people else 201
    if status == 201:
        people.append(who.login)
    return Reply(
        status,
        {
            "id": gh.store.new_id(),
            "node_id": shapes.node_id("REA", len(people)),
            "user": shapes.login(gh.base_url, gh.store, who.login),
            "content": content,
            "created_at": now_iso(),
        },
    )
