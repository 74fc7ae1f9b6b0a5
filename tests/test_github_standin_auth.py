"""The stand-in's auth and faults: GitHub's 401s, token expiry, rate limits, 5xx and slow calls."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
import requests
from github import Github, GithubException, GithubRetry

from tests.github_standin.clients import installation_client, seed_acme_kb, token_for
from tests.github_standin.fixtures import AppKey, make_app_key
from tests.github_standin.server import GitHubStandIn


@pytest.fixture
def world(github: GitHubStandIn) -> GitHubStandIn:
    return seed_acme_kb(github)


# -- auth ------------------------------------------------------------------------------------
def _jwt(key: AppKey, iat: int, exp: int, iss: object = None) -> str:
    claims = {"iat": iat, "exp": exp, "iss": str(key.app_id) if iss is None else iss}
    return jwt.encode(claims, key.private_key_pem, algorithm="RS256")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda k, now: _jwt(k, now - 700, now - 10),
            "'Expiration time' claim ('exp') must be a numeric value",
        ),
        (
            lambda k, now: _jwt(k, now - 60, now + 900),
            "'Expiration time' claim ('exp') is too far in the future",
        ),
        (
            lambda k, now: _jwt(k, now + 300, now + 600),
            "'Issued at' claim ('iat') must be an Integer",
        ),
        (
            lambda k, now: _jwt(make_app_key(k.app_id), now - 60, now + 300),
            "A JSON web token could not be decoded",
        ),
        (
            lambda k, now: _jwt(k, now - 60, now + 300, iss="999"),
            "A JSON web token could not be decoded",
        ),
        (lambda k, now: "", "A JSON web token could not be decoded"),
    ],
    ids=[
        "expired",
        "longer-than-10-minutes",
        "issued-in-future",
        "other-key",
        "other-app",
        "absent",
    ],
)
def test_bad_app_jwts_get_githubs_401(
    github: GitHubStandIn, app_key: AppKey, make: Any, message: str
) -> None:
    token = make(app_key, int(time.time()))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.get(f"{github.base_url}/app/installations", headers=headers, timeout=10)
    assert answer.status_code == 401
    assert answer.json()["message"].startswith(message)
    assert answer.json()["documentation_url"] == "https://docs.github.com/rest"


def test_installation_tokens_expire(world: GitHubStandIn, app_key: AppKey) -> None:
    token = token_for(world, app_key)
    url = f"{world.base_url}/repos/acme/kb"
    assert (
        requests.get(url, headers={"Authorization": f"token {token}"}, timeout=10).status_code
        == 200
    )
    world.expire_tokens()
    answer = requests.get(url, headers={"Authorization": f"token {token}"}, timeout=10)
    assert (answer.status_code, answer.json()["message"]) == (401, "Bad credentials")


def test_pygithub_renews_a_token_near_expiry(world: GitHubStandIn, app_key: AppKey) -> None:
    world.token_ttl = 15  # PyGithub renews a token that expires within 20 seconds
    repo = installation_client(world, app_key).get_repo("acme/kb")
    repo.get_pull(1)
    assert len(world.requests_to("POST", r"/app/installations/\d+/access_tokens")) == 2


def test_every_response_carries_rate_limit_and_request_id_headers(
    world: GitHubStandIn, app_key: AppKey
) -> None:
    token = token_for(world, app_key)
    for path, status in [("/repos/acme/kb", 200), ("/repos/acme/kb/pulls/99", 404), ("/nope", 404)]:
        answer = requests.get(
            world.base_url + path, headers={"Authorization": f"token {token}"}, timeout=10
        )
        assert answer.status_code == status
        for header in (
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "X-RateLimit-Used",
            "X-RateLimit-Resource",
            "X-GitHub-Request-Id",
        ):
            assert header in answer.headers, (path, header)


# -- faults ----------------------------------------------------------------------------------
def retrying(world: GitHubStandIn, app_key: AppKey, **retry: Any) -> Github:
    return installation_client(
        world, app_key, retry=GithubRetry(total=3, secondary_rate_wait=1, **retry)
    )


def test_githubretry_recovers_from_5xx(world: GitHubStandIn, app_key: AppKey) -> None:
    world.faults.add("GET", r"/repos/acme/kb/pulls/1", "5xx", count=2)
    pr = retrying(world, app_key).get_repo("acme/kb").get_pull(1)
    assert pr.title == "Update pages"
    assert [r.status for r in world.requests_to("GET", r"/repos/acme/kb/pulls/1")] == [
        502,
        502,
        200,
    ]


def test_githubretry_waits_out_a_secondary_rate_limit(
    world: GitHubStandIn, app_key: AppKey
) -> None:
    world.faults.add("POST", r"/repos/acme/kb/issues", "secondary_rate_limit", retry_after=1)
    repo = retrying(world, app_key).get_repo("acme/kb")
    started = time.monotonic()
    issue = repo.create_issue("Due: kitchen")
    assert time.monotonic() - started >= 1.0  # Retry-After honoured
    assert [r.status for r in world.requests_to("POST", r"/repos/acme/kb/issues")] == [403, 201]
    assert sorted(world.repo("acme/kb").issues) == [1, issue.number]  # created once


@pytest.mark.parametrize("status", [403, 429], ids=["403", "429"])
def test_primary_rate_limit_is_reported_with_its_reset(
    world: GitHubStandIn, app_key: AppKey, status: int
) -> None:
    world.faults.add(
        "GET", r"/repos/acme/kb/pulls/1", "primary_rate_limit", retry_after=3600, status=status
    )
    repo = retrying(world, app_key, max_rate_limit_wait=5).get_repo("acme/kb")
    with pytest.raises(GithubException) as refused:
        repo.get_pull(1)
    assert refused.value.status == status
    headers = refused.value.headers or {}
    assert headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-reset"]) >= time.time() + 3000


def test_faults_hit_a_share_of_calls_and_slow_calls_are_slow(
    world: GitHubStandIn, app_key: AppKey
) -> None:
    token = token_for(world, app_key)
    world.faults.add("GET", r"/repos/acme/kb", "5xx", share=0.3)
    world.faults.add("GET", r"/repos/acme/kb/pulls/1", "slow", delay=0.3)
    statuses = [
        requests.get(
            f"{world.base_url}/repos/acme/kb",
            timeout=10,
            headers={"Authorization": f"token {token}"},
        ).status_code
        for _ in range(40)
    ]
    assert 3 <= statuses.count(502) <= 25 and statuses.count(200) + statuses.count(502) == 40
    started = time.monotonic()
    requests.get(
        f"{world.base_url}/repos/acme/kb/pulls/1",
        headers={"Authorization": f"token {token}"},
        timeout=10,
    )
    assert time.monotonic() - started >= 0.3
