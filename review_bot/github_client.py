"""GitHub access as an App through PyGithub: installation clients, tokens and rate limits."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from github import Auth, Github, GithubException, GithubIntegration, GithubRetry

# Refresh installation tokens this long before GitHub says they expire (they last one hour).
TOKEN_MARGIN = timedelta(minutes=5)
INSTALLATION_TTL = 600.0  # seconds a repository → installation answer is reused


class RateLimited(Exception):
    """GitHub refused for a rate limit; the work can be retried at ``reset_at`` (epoch seconds)."""

    def __init__(self, reset_at: float, message: str = "GitHub rate limit") -> None:
        super().__init__(f"{message}; retry at {time.strftime('%H:%M:%SZ', time.gmtime(reset_at))}")
        self.reset_at = reset_at


def rate_limit_of(exc: BaseException, now: float | None = None) -> RateLimited | None:
    """Return the `RateLimited` meaning of *exc*, or None if it is not a rate-limit refusal."""
    now = time.time() if now is None else now
    if isinstance(exc, RateLimited):
        return exc
    if not isinstance(exc, GithubException) or exc.status not in (403, 429):
        return None
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    retry_after = headers.get("retry-after", "")
    if retry_after.isdigit():
        return RateLimited(now + int(retry_after), "GitHub secondary rate limit")
    reset = headers.get("x-ratelimit-reset", "")
    if headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return RateLimited(max(now, float(reset)) + 1, "GitHub primary rate limit")
    wait = getattr(exc, "wait", None)  # RateLimitExceededExceedsMaxWait
    if isinstance(wait, (int, float)):
        return RateLimited(now + wait, "GitHub rate limit")
    if exc.status == 429 or "rate limit" in str(exc.data).lower():
        return RateLimited(now + 60, "GitHub rate limit")
    return None


@dataclass(frozen=True)
class _Token:
    value: str
    refresh_at: datetime


class _SharedInstallationAuth(Auth.Auth):
    """Authenticate with the installation token kept by `GitHubApp` (shared by threads)."""

    def __init__(self, app: GitHubApp, installation_id: int) -> None:
        self._app = app
        self._installation_id = installation_id

    @property
    def token_type(self) -> str:
        return "token"

    @property
    def token(self) -> str:
        return self._app.token(self._installation_id)

    @property
    def _masked_token(self) -> str:
        return "token (removed)"


class GitHubApp:
    """The App's credentials; hands out installation clients and tokens, each cached."""

    def __init__(
        self,
        app_id: str,
        private_key: str,
        base_url: str = "https://api.github.com",
        *,
        retries: int = 3,
        max_rate_limit_wait: float = 10.0,
        write_pause: float = 1.0,
    ) -> None:
        self.base_url = base_url
        self.write_pause = write_pause
        self._retries = retries
        self._max_wait = max_rate_limit_wait
        self._app_auth = Auth.AppAuth(int(app_id), private_key)
        self._integration = GithubIntegration(
            auth=self._app_auth,
            base_url=base_url,
            retry=self._retry(),
        )
        self._tokens: dict[int, _Token] = {}
        self._installations: dict[str, tuple[int, float]] = {}  # repo → (id, monotonic expiry)
        self._token_lock = threading.Lock()
        self._clients = _ThreadClients()

    def __repr__(self) -> str:
        return f"GitHubApp(base_url={self.base_url!r})"

    def _retry(self) -> GithubRetry:
        # Waits for short secondary limits / 5xx in place; longer waits surface as
        # RateLimitExceededExceedsMaxWait, which the worker turns into a ledger retry.
        return GithubRetry(
            total=self._retries,
            backoff_factor=0.5,
            secondary_rate_wait=self._max_wait,
            max_rate_limit_wait=self._max_wait,
            status_forcelist=[429, *range(500, 600)],
        )

    def token(self, installation_id: int) -> str:
        """Return the installation token, fetched once and reused until shortly before expiry."""
        now = datetime.now(UTC)
        with self._token_lock:
            cached = self._tokens.get(installation_id)
            if cached is None or cached.refresh_at <= now:
                grant = self._integration.get_access_token(installation_id)
                expires = grant.expires_at or now + timedelta(hours=1)
                if expires.tzinfo is None:
                    expires = expires.replace(tzinfo=UTC)
                cached = _Token(grant.token, expires - TOKEN_MARGIN)
                self._tokens[installation_id] = cached
            return cached.value

    def client(self, installation_id: int) -> Github:
        """Return a client for the installation, one per thread (PyGithub is not thread-safe).

        Reads are not paced (PyGithub waits 0.25 s before each by default); writes wait
        ``write_pause`` seconds after the previous one, as GitHub asks of integrations.
        """
        clients = self._clients.by_installation
        if installation_id not in clients:
            clients[installation_id] = Github(
                auth=_SharedInstallationAuth(self, installation_id),
                base_url=self.base_url,
                retry=self._retry(),
                per_page=100,
                seconds_between_requests=None,
                seconds_between_writes=self.write_pause or None,
            )
        return clients[installation_id]

    def jwt(self) -> str:
        """A fresh JSON Web Token for calls made as the App itself (``/app/...``)."""
        return str(self._app_auth.token)

    def installation_ids(self) -> list[int]:
        """Every installation of the App (``GET /app/installations``, paginated, as the App)."""
        return [inst.id for inst in self._integration.get_installations()]

    def installation_for(self, full_name: str) -> int:
        """The installation covering ``owner/name`` (``GET /repos/{owner}/{repo}/installation``)."""
        key = full_name.lower()
        with self._token_lock:
            known = self._installations.get(key)
        if known is not None and known[1] > time.monotonic():
            return known[0]  # one App-JWT call per repository and INSTALLATION_TTL, not per use
        owner, _, name = full_name.partition("/")
        installation = int(self._integration.get_repo_installation(owner, name).id)
        with self._token_lock:
            self._installations[key] = (installation, time.monotonic() + INSTALLATION_TTL)
        return installation

    def forget(self, installation_id: int) -> None:
        """Drop a cached token (e.g. after the installation was suspended or its token revoked)."""
        with self._token_lock:
            self._tokens.pop(installation_id, None)
            for repo, (known, _) in list(self._installations.items()):
                if known == installation_id:
                    del self._installations[repo]


class _ThreadClients(threading.local):
    """Each thread's installation clients (PyGithub clients are not thread-safe)."""

    def __init__(self) -> None:
        self.by_installation: dict[int, Github] = {}
