"""Repository, collaborator, organization membership and team routes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import shapes
from .core import Reply, Request, not_found, page, repo_of, route

if TYPE_CHECKING:
    from .server import GitHubStandIn

_ROLE = {
    "read": "read",
    "triage": "triage",
    "write": "write",
    "maintain": "maintain",
    "admin": "admin",
}
_LEGACY = {
    "admin": "admin",
    "maintain": "write",
    "write": "write",
    "triage": "read",
    "read": "read",
}


def _flags(level: str) -> dict[str, bool]:
    order = ["read", "triage", "write", "maintain", "admin"]
    rank = order.index(level) if level in order else -1
    names = ["pull", "triage", "push", "maintain", "admin"]
    return {name: rank >= i for i, name in enumerate(names)}


@route("GET", "/repos/{owner}/{repo}")
def get_repo(gh: GitHubStandIn, req: Request) -> Reply:
    return Reply(200, shapes.full_repo(gh.base_url, gh.store, repo_of(gh, req)))


@route("GET", "/repos/{owner}/{repo}/collaborators")
def list_collaborators(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    logins = {repo.owner.lower(): repo.owner}
    logins.update({c.lower(): c for c in repo.collaborators})
    for team in gh.store.teams_for_repo(repo):
        logins.update({m.lower(): m for m in team.members})
    out = []
    for login in logins.values():
        level = gh.store.permission(repo, login)
        item = shapes.login(gh.base_url, gh.store, login)
        item.update({"permissions": _flags(level), "role_name": _ROLE.get(level, "read")})
        out.append(item)
    return page(gh, req, out)


@route("GET", "/repos/{owner}/{repo}/collaborators/{login}")
def check_collaborator(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    if gh.store.permission(repo, req.params["login"]) == "none":
        raise not_found()
    return Reply(204)


@route("GET", "/repos/{owner}/{repo}/collaborators/{login}/permission")
def collaborator_permission(gh: GitHubStandIn, req: Request) -> Reply:
    """GitHub answers 200 with permission "none" for a user without access (404 only for no user)."""
    repo = repo_of(gh, req)
    login = req.params["login"]
    level = gh.store.permission(repo, login)
    user = shapes.login(gh.base_url, gh.store, login)
    user.update({"permissions": _flags(level), "role_name": _ROLE.get(level, "none")})
    return Reply(
        200,
        {
            "permission": _LEGACY.get(level, "none"),
            "role_name": _ROLE.get(level, "none"),
            "user": user,
        },
    )


def _org_role(gh: GitHubStandIn, org: str, login: str) -> str | None:
    return gh.store.org_members.get(org.lower(), {}).get(login.lower())


@route("GET", "/orgs/{org}/members/{login}")
def check_member(gh: GitHubStandIn, req: Request) -> Reply:
    if _org_role(gh, req.params["org"], req.params["login"]) is None:
        raise not_found()
    return Reply(204)


@route("GET", "/orgs/{org}/memberships/{login}")
def org_membership(gh: GitHubStandIn, req: Request) -> Reply:
    org, login = req.params["org"], req.params["login"]
    role = _org_role(gh, org, login)
    if role is None:
        raise not_found()
    api = gh.base_url
    return Reply(
        200,
        {
            "url": f"{api}/orgs/{org}/memberships/{login}",
            "state": "active",
            "role": role,
            "organization_url": f"{api}/orgs/{org}",
            "organization": shapes.organization(api, gh.store, org),
            "user": shapes.login(api, gh.store, login),
        },
    )


@route("GET", "/orgs/{org}/teams/{slug}")
def get_team(gh: GitHubStandIn, req: Request) -> Reply:
    team = gh.store.team(req.params["org"], req.params["slug"])
    if team is None:
        raise not_found()
    return Reply(200, shapes.team(gh.base_url, gh.store, team, full=True))


@route("GET", "/orgs/{org}/teams/{slug}/members")
def team_members(gh: GitHubStandIn, req: Request) -> Reply:
    team = gh.store.team(req.params["org"], req.params["slug"])
    if team is None:
        raise not_found()
    return page(gh, req, [shapes.login(gh.base_url, gh.store, m) for m in team.members])


@route("GET", "/orgs/{org}/teams/{slug}/memberships/{login}")
def team_membership(gh: GitHubStandIn, req: Request) -> Reply:
    team = gh.store.team(req.params["org"], req.params["slug"])
    login = req.params["login"]
    if team is None or login.lower() not in {m.lower() for m in team.members}:
        raise not_found()
    url = f"{gh.base_url}/teams/{team.id}/memberships/{login}"
    return Reply(200, {"url": url, "role": "member", "state": "active"})


@route("GET", "/users/{login}")
def get_user(gh: GitHubStandIn, req: Request) -> Reply:
    found = gh.store.users.get(req.params["login"].lower())
    if found is None:
        raise not_found()
    out = shapes.user(gh.base_url, found)
    out.update(
        {
            "name": None,
            "company": None,
            "blog": "",
            "location": None,
            "email": None,
            "hireable": None,
            "bio": None,
            "public_repos": 0,
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        }
    )
    return Reply(200, out)
