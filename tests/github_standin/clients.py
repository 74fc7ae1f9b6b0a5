"""PyGithub and raw-token clients of the stand-in, and the small world most stand-in tests use."""

from __future__ import annotations

import time
from typing import Any

import jwt
import requests
from github import Auth, Github, GithubIntegration

from .fixtures import AppKey
from .server import GitHubStandIn

FAST: dict[str, Any] = {"seconds_between_requests": None, "seconds_between_writes": None}


def integration(github: GitHubStandIn, app_key: AppKey, **kw: Any) -> GithubIntegration:
    auth = Auth.AppAuth(app_key.app_id, app_key.private_key_pem)
    return GithubIntegration(auth=auth, base_url=github.base_url, **FAST, **kw)


def installation_client(
    github: GitHubStandIn, app_key: AppKey, repo: str = "acme/kb", **kw: Any
) -> Github:
    gi = integration(github, app_key, **kw)
    owner, name = repo.split("/")
    return gi.get_github_for_installation(gi.get_repo_installation(owner, name).id)


def seed_acme_kb(github: GitHubStandIn) -> GitHubStandIn:
    """acme/kb with bob (write), carol (admin), team kitchen-leads and PR #1 of 250 files."""
    github.add_repo("acme/kb")
    github.add_collaborator("acme/kb", "bob")
    github.add_collaborator("acme/kb", "carol", "admin")
    github.add_team("acme", "kitchen-leads", ["dave"])
    files = [f"content/page-{i:03}.md" for i in range(250)]
    github.add_pr("acme/kb", author="alice", head_ref="kitchen", files=files)
    return github


def token_for(github: GitHubStandIn, app_key: AppKey) -> str:
    now = int(time.time())
    claims = {"iat": now - 60, "exp": now + 300, "iss": str(app_key.app_id)}
    app_jwt = jwt.encode(claims, app_key.private_key_pem, algorithm="RS256")
    inst = next(iter(github.store.installations))
    answer = requests.post(
        f"{github.base_url}/app/installations/{inst}/access_tokens",
        headers={"Authorization": f"Bearer {app_jwt}"},
        timeout=10,
    )
    assert answer.status_code == 201
    return str(answer.json()["token"])
