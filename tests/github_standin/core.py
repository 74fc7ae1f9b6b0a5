"""Request/response plumbing shared by the route modules: errors, routing table, pagination."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import GitHubStandIn
    from .state import Repo

DOCS = "https://docs.github.com/rest"


class ApiError(Exception):
    """A GitHub error response: status plus GitHub's JSON body."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[Any] | None = None,
        doc: str = DOCS,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {
            "message": message,
            "documentation_url": doc,
            "status": str(status),
        }
        if errors is not None:
            self.body["errors"] = errors
        self.headers = headers or {}


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def validation_failed(resource: str, field_: str, code: str, value: Any = None) -> ApiError:
    error: dict[str, Any] = {"resource": resource, "field": field_, "code": code}
    if value is not None:
        error["value"] = value
    return ApiError(422, "Validation Failed", [error])


@dataclass
class Request:
    """One parsed API request, as handlers see it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any
    auth: str | None = None  # "jwt" | "token" | None
    installation_id: int | None = None
    actor: str | None = None  # the login acting: the bot, or a user token's person
    params: dict[str, str] = field(default_factory=dict)

    def param_int(self, name: str) -> int:
        return int(self.params[name])

    def body_dict(self) -> dict[str, Any]:
        if self.json is None:
            return {}
        if not isinstance(self.json, dict):
            raise ApiError(400, "Problems parsing JSON")
        return self.json


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[["GitHubStandIn", Request], Reply]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    auth: str  # "jwt": App JWT only; "token": installation or user token; "any"


ROUTES: list[Route] = []


def route(method: str, path: str, auth: str = "token") -> Callable[[Handler], Handler]:
    """Register a handler; `{name}` segments in `path` become named groups."""

    # A {ref} may contain slashes (feature/x); numbers and ids are digits; else one segment.
    def group(m: re.Match[str]) -> str:
        name = m.group(1)
        body = (
            ".+"
            if name == "ref"
            else r"\d+"
            if name in ("number", "id") or name.endswith("_id")
            else "[^/]+"
        )
        return f"(?P<{name}>{body})"

    regex = re.sub(r"\{(\w+)\}", group, path)

    def register(fn: Handler) -> Handler:
        ROUTES.append(Route(method, re.compile(regex + "$"), fn, auth))
        return fn

    return register


def repo_of(gh: GitHubStandIn, req: Request) -> Repo:
    """The repository named in the path, if this request's credentials can see it (else 404)."""
    found = gh.store.repo(f"{req.params['owner']}/{req.params['repo']}")
    if found is None:
        raise not_found()
    if req.auth == "token" and req.installation_id is not None:
        if found.installation_id != req.installation_id:
            raise not_found()
    elif req.auth is None and found.private:
        raise not_found()
    return found


def page(
    gh: GitHubStandIn,
    req: Request,
    items: list[Any],
    cap: int | None = None,
    render: Callable[[Any], Any] | None = None,
) -> Reply:
    """GitHub pagination: `per_page` (default 30, at most 100), `page`, and a `Link` header.

    `render` turns only the requested page's items into JSON (3,000 files stay cheap)."""
    if cap is not None:
        items = items[:cap]
    try:
        per_page = max(1, min(100, int(req.query.get("per_page", "30"))))
        number = max(1, int(req.query.get("page", "1")))
    except ValueError:
        per_page, number = 30, 1
    last = max(1, -(-len(items) // per_page))
    chunk = items[(number - 1) * per_page : number * per_page]
    if render is not None:
        chunk = [render(item) for item in chunk]
    links = []

    def link(n: int, rel: str) -> str:
        query = dict(req.query, per_page=str(per_page), page=str(n))
        return f'<{gh.base_url}{req.path}?{urllib.parse.urlencode(query)}>; rel="{rel}"'

    if number > 1:
        links += [link(number - 1, "prev"), link(1, "first")]
    if number < last:
        links += [link(number + 1, "next"), link(last, "last")]
    # GitHub orders them next, last, first, prev; clients parse by rel, so order is cosmetic.
    headers = {"Link": ", ".join(links)} if links else {}
    return Reply(200, chunk, headers)
