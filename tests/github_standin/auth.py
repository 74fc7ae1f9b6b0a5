"""App authentication: JWT checks, installation tokens, and the /app and /installation routes."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

import jwt

from . import shapes
from .core import ApiError, Reply, Request, not_found, page, route
from .state import Token, now_iso

if TYPE_CHECKING:
    from .server import GitHubStandIn

# GitHub's own 401 messages, word for word.
BAD_CREDENTIALS = "Bad credentials"
REQUIRES_AUTH = "Requires authentication"
JWT_UNDECODABLE = "A JSON web token could not be decoded"
JWT_EXPIRED = (
    "'Expiration time' claim ('exp') must be a numeric value representing the future time at "
    "which the assertion expires"
)
JWT_TOO_LONG = "'Expiration time' claim ('exp') is too far in the future"
JWT_IAT = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
JWT_ISSUER = "'Issuer' claim ('iss') must be an Integer"
MAX_JWT_LIFETIME = 600  # GitHub: exp at most 10 minutes after iat
CLOCK_SKEW = 60  # GitHub tolerates an iat slightly in the future


def looks_like_jwt(credential: str) -> bool:
    return credential.startswith("eyJ") and credential.count(".") == 2


def authenticate(gh: GitHubStandIn, req: Request) -> None:
    """Fill in `req.auth`/`installation_id`/`actor` from the Authorization header, or raise 401."""
    header = req.headers.get("authorization", "")
    if not header:
        return
    scheme, _, credential = header.partition(" ")
    if scheme.lower() not in ("bearer", "token") or not credential:
        raise ApiError(401, BAD_CREDENTIALS)
    credential = credential.strip()
    if looks_like_jwt(credential):
        verify_jwt(gh, credential)
        req.auth, req.actor = "jwt", gh.store.bot_login
        return
    with gh.lock:
        token = gh.store.tokens.get(credential)
    if token is None or token.expires_at <= time.time():
        raise ApiError(401, BAD_CREDENTIALS)
    req.auth, req.installation_id = "token", token.installation_id
    req.actor = token.login or gh.store.bot_login


def verify_jwt(gh: GitHubStandIn, credential: str) -> dict[str, Any]:
    """Check signature (RS256 with the App's public key), issuer and the iat/exp window."""
    try:
        claims = jwt.decode(
            credential,
            gh.public_key_pem,
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_iat": False, "verify_iss": False},
        )
    except jwt.PyJWTError:
        raise ApiError(401, JWT_UNDECODABLE) from None
    now = time.time()
    exp, iat, iss = claims.get("exp"), claims.get("iat"), claims.get("iss")
    if not isinstance(iat, int) or iat > now + CLOCK_SKEW:
        raise ApiError(401, JWT_IAT)
    if not isinstance(exp, int) or exp <= now:
        raise ApiError(401, JWT_EXPIRED)
    if exp - iat > MAX_JWT_LIFETIME:
        raise ApiError(401, JWT_TOO_LONG)
    if str(iss) != str(gh.store.app_id):
        raise ApiError(401, JWT_ISSUER if not str(iss).isdigit() else JWT_UNDECODABLE)
    return claims


def issue_token(gh: GitHubStandIn, installation_id: int | None, login: str | None = None) -> Token:
    # Opaque on purpose: the length varies so clients cannot come to rely on one.
    value = "ghs_" + secrets.token_urlsafe(24 + secrets.randbelow(24))
    token = Token(value, time.time() + gh.token_ttl, installation_id, login)
    gh.store.tokens[value] = token
    return token


def require(req: Request, kind: str) -> None:
    """Enforce a route's credential kind, with GitHub's answers for the wrong kind."""
    if kind == "any":
        return
    if req.auth is None:
        raise ApiError(401, REQUIRES_AUTH if kind == "token" else JWT_UNDECODABLE)
    if kind == "jwt" and req.auth != "jwt":
        raise ApiError(401, JWT_UNDECODABLE)
    if kind == "token" and req.auth == "jwt":
        # GitHub: an App JWT reaches only the /app endpoints.
        raise ApiError(403, "Resource not accessible by integration")
    if kind == "installation" and (req.auth != "token" or req.installation_id is None):
        raise ApiError(403, "This endpoint can only be accessed with an installation access token")


@route("GET", "/app", auth="any")
def get_app(gh: GitHubStandIn, req: Request) -> Reply:
    if req.auth is None:
        raise ApiError(401, JWT_UNDECODABLE)
    return Reply(200, shapes.app(gh.base_url, gh.store))


@route("GET", "/app/installations", auth="jwt")
def list_installations(gh: GitHubStandIn, req: Request) -> Reply:
    found = [shapes.installation(gh.base_url, gh.store, i) for i in gh.store.installations.values()]
    return page(gh, req, found)


@route("GET", "/app/installations/{installation_id}", auth="jwt")
def get_installation(gh: GitHubStandIn, req: Request) -> Reply:
    inst = gh.store.installations.get(req.param_int("installation_id"))
    if inst is None:
        raise not_found()
    return Reply(200, shapes.installation(gh.base_url, gh.store, inst))


@route("GET", "/repos/{owner}/{repo}/installation", auth="jwt")
def get_repo_installation(gh: GitHubStandIn, req: Request) -> Reply:
    repo = gh.store.repo(f"{req.params['owner']}/{req.params['repo']}")
    if repo is None or repo.installation_id is None:
        raise not_found()
    inst = gh.store.installations[repo.installation_id]
    return Reply(200, shapes.installation(gh.base_url, gh.store, inst))


@route("POST", "/app/installations/{installation_id}/access_tokens", auth="jwt")
def create_token(gh: GitHubStandIn, req: Request) -> Reply:
    inst_id = req.param_int("installation_id")
    inst = gh.store.installations.get(inst_id)
    if inst is None:
        raise not_found()
    body = req.body_dict()
    repos = gh.store.installation_repos(inst_id)
    wanted = body.get("repositories")
    if wanted is not None:
        names = {r.name for r in repos}
        if not set(wanted) <= names:
            raise ApiError(
                422,
                "There is at least one repository that does not exist or is not "
                "accessible to the parent installation.",
            )
        repos = [r for r in repos if r.name in wanted]
    token = issue_token(gh, inst_id)
    reply = {
        "token": token.value,
        "expires_at": now_iso(token.expires_at),
        "permissions": body.get("permissions") or inst.permissions,
        "repository_selection": "selected",
        "repositories": [shapes.repo(gh.base_url, gh.store, r) for r in repos],
    }
    return Reply(201, reply)


@route("GET", "/installation/repositories", auth="installation")
def installation_repositories(gh: GitHubStandIn, req: Request) -> Reply:
    assert req.installation_id is not None
    repos = [
        shapes.repo(gh.base_url, gh.store, r)
        for r in gh.store.installation_repos(req.installation_id)
    ]
    reply = page(gh, req, repos)
    reply.body = {
        "total_count": len(repos),
        "repository_selection": "selected",
        "repositories": reply.body,
    }
    return reply
