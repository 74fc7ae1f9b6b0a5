"""Configuration of kennis-bot, read once from the environment (secrets never shown in repr)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_MAX_BODY = 25 * 1024 * 1024  # GitHub caps webhook payloads at 25 MB
DEFAULT_DATA_DIR = ".kennis-bot"
DEFAULT_BUILD_TIMEOUT = 600.0
DEFAULT_KEEP_RELEASES = 5
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Never handed to child processes: the App's settings and secrets, and git's redirections.
_NOT_FOR_CHILDREN = re.compile(r"^(KENNIS_|GIT_|GITHUB_TOKEN$|GH_TOKEN$)")
DEFAULT_CONNECTION_LIMIT = 1000
DEFAULT_CHANNEL_TIMEOUT = 10


class ConfigError(Exception):
    """The environment does not describe a runnable bot; the message says what to set."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from ``KENNIS_*`` environment variables."""

    webhook_secret: bytes = field(repr=False)
    app_id: str | None = None
    private_key: str | None = field(default=None, repr=False)
    github_api_url: str = DEFAULT_API_URL
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    workers: int = 2
    max_body: int = DEFAULT_MAX_BODY
    max_attempts: int = 6
    retry_base: float = 30.0
    lease_seconds: float = 600.0
    extra_handlers: tuple[str, ...] = ()
    ledger_sync: str = "NORMAL"
    scan_every: float | None = None  # seconds between in-App freshness scans (KENNIS_SCAN_EVERY)
    # GitHub asks integrations to leave a second between writes (secondary rate limits).
    github_write_pause: float = 1.0
    site_repo: str | None = None  # the one repository whose site is deployed and previewed
    ledger_keep_days: float = 30.0  # finished deliveries are forgotten after this many days
    deploy: bool = False  # KENNIS_DEPLOY=1: build pushes to the default branch, serve them at /
    previews: bool = False  # KENNIS_PREVIEWS=1: build pull-request previews
    site_url: str | None = None  # KENNIS_SITE_URL: the public address of the served site
    # The App's own address for links when no KENNIS_SITE_URL is set: made by `kennis-bot serve`
    # once it is listening (``dataclasses.replace``), never read from the environment.
    self_url: str | None = None
    build_timeout: float = DEFAULT_BUILD_TIMEOUT  # seconds a site build may take
    keep_releases: int = DEFAULT_KEEP_RELEASES  # built releases kept for rollback
    log_level: str | None = None  # KENNIS_LOG_LEVEL; None: the command's own default
    github_token: str | None = field(default=None, repr=False)  # `kennis-bot scan` only
    # The environment child processes (git, MkDocs builds) start from: the process's own,
    # captured once, without the App's secrets (KENNIS_*) and without GIT_* variables that
    # would point git elsewhere. Callers add what their command needs.
    child_env: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    # Open client connections at once, and seconds an idle one is kept: waitress' defaults (100,
    # 120 s) let 100 idle sockets starve /webhook for two minutes.
    connection_limit: int = DEFAULT_CONNECTION_LIMIT
    channel_timeout: int = DEFAULT_CHANNEL_TIMEOUT
    # SIGTERM: seconds to answer requests in flight and let workers finish their delivery.
    stop_grace: float = 30.0
    # Seconds between catch-ups of failed or missed deliveries (None: never; also at start).
    catchup_every: float | None = 600.0
    # postgresql://… selects the shared PostgreSQL ledger (several replicas); None: SQLite.
    database_url: str | None = field(default=None, repr=False)
    # Reader feedback (POST /feedback): extra origins granted CORS besides the site's own, the SSO
    # proxy's header naming the reader, reports per client per window, and the coalescing window
    # (at most one GitHub write per page per this many seconds).
    feedback_origins: tuple[str, ...] = ()
    feedback_identity_header: str | None = None
    feedback_limit: int = 20
    feedback_window: float = 600.0
    feedback_write_every: float = 60.0

    def __repr__(self) -> str:
        shown = {
            "app_id": self.app_id,
            "private_key": "<set>" if self.private_key else None,
            "webhook_secret": "<set>",
            "github_api_url": self.github_api_url,
            "data_dir": str(self.data_dir),
            "workers": self.workers,
            "max_body": self.max_body,
        }
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    @property
    def ledger_path(self) -> Path:
        return self.data_dir / "ledger.sqlite3"

    @property
    def mirrors_dir(self) -> Path:
        return self.data_dir / "mirrors"

    @property
    def sites_dir(self) -> Path:
        return self.data_dir / "sites"

    @property
    def feedback_reports_file(self) -> Path:
        """Open reader reports per page, written by the App for its own site builds."""
        return self.data_dir / "feedback" / "reports.json"

    @property
    def public_url(self) -> str | None:
        """Where the live site is: ``KENNIS_SITE_URL``, else the App's own address."""
        return self.site_url or self.self_url

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, serving: bool = True) -> Settings:
        """Read and check every setting once; raise `ConfigError` naming the variable at fault.

        ``serving=False`` (the inspecting commands) does not require the webhook secret.
        """
        env = os.environ if env is None else env
        secret = env.get("KENNIS_WEBHOOK_SECRET", "")
        if serving and not secret.strip():
            raise ConfigError(
                "KENNIS_WEBHOOK_SECRET is not set: refusing to start, because unsigned webhooks "
                "could not be told apart from forged ones. Set it to the App's webhook secret."
            )
        return cls(
            webhook_secret=secret.encode("utf-8"),
            app_id=env.get("KENNIS_APP_ID") or None,
            private_key=_private_key(env),
            github_api_url=(_url(env, "KENNIS_GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
            data_dir=data_dir_from_env(env),
            workers=_int(env, "KENNIS_WORKERS", 2, minimum=0),
            max_body=_int(env, "KENNIS_MAX_BODY", DEFAULT_MAX_BODY, minimum=1),
            max_attempts=_int(env, "KENNIS_MAX_ATTEMPTS", 6, minimum=1),
            retry_base=_float(env, "KENNIS_RETRY_BASE", 30.0),
            lease_seconds=_float(env, "KENNIS_LEASE_SECONDS", 600.0),
            ledger_sync=_choice(env, "KENNIS_LEDGER_SYNC", ("NORMAL", "FULL"), "NORMAL"),
            scan_every=parse_every(env.get("KENNIS_SCAN_EVERY", ""), "KENNIS_SCAN_EVERY"),
            github_write_pause=_float(env, "KENNIS_GITHUB_WRITE_PAUSE", 1.0),
            site_repo=_site_repo(env),
            ledger_keep_days=_float(env, "KENNIS_LEDGER_KEEP_DAYS", 30.0),
            deploy=_flag(env, "KENNIS_DEPLOY"),
            previews=_flag(env, "KENNIS_PREVIEWS"),
            site_url=_url(env, "KENNIS_SITE_URL"),
            build_timeout=_positive(env, "KENNIS_BUILD_TIMEOUT", DEFAULT_BUILD_TIMEOUT),
            keep_releases=_int(env, "KENNIS_KEEP_RELEASES", DEFAULT_KEEP_RELEASES, minimum=1),
            log_level=_log_level(env),
            github_token=env.get("KENNIS_GITHUB_TOKEN") or None,
            child_env=child_env(env),
            connection_limit=_int(
                env, "KENNIS_CONNECTION_LIMIT", DEFAULT_CONNECTION_LIMIT, minimum=10
            ),
            channel_timeout=_int(env, "KENNIS_CHANNEL_TIMEOUT", DEFAULT_CHANNEL_TIMEOUT, minimum=1),
            stop_grace=_float(env, "KENNIS_STOP_GRACE", 30.0),
            catchup_every=parse_every(
                env.get("KENNIS_CATCHUP_EVERY", "10m"), "KENNIS_CATCHUP_EVERY"
            ),
            database_url=_database_url(env),
            feedback_origins=_origins(env, "KENNIS_FEEDBACK_ORIGINS"),
            feedback_identity_header=_header(env, "KENNIS_FEEDBACK_IDENTITY_HEADER"),
            feedback_limit=_int(env, "KENNIS_FEEDBACK_LIMIT", 20, minimum=1),
            feedback_window=_positive(env, "KENNIS_FEEDBACK_WINDOW", 600.0),
            feedback_write_every=_positive(env, "KENNIS_FEEDBACK_WRITE_EVERY", 60.0),
            extra_handlers=tuple(
                item.strip()
                for item in env.get("KENNIS_EXTRA_HANDLERS", "").split(",")
                if item.strip()
            ),
        )


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(raw: str, name: str) -> float | None:
    """``6h``, ``30m``, ``1d``, ``90s`` or plain seconds; empty means off."""
    text = raw.strip().lower()
    if not text:
        return None
    number, unit = (text[:-1], text[-1]) if text[-1] in _UNITS else (text, "s")
    try:
        seconds = float(number) * _UNITS[unit]
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a period (e.g. 6h, 30m, 1d)") from None
    if seconds < 1:
        raise ConfigError(f"{name}={raw!r} must be at least one second")
    return seconds


_REPO_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*)/[A-Za-z0-9._-]+$")


def _site_repo(env: Mapping[str, str]) -> str | None:
    # One App installation may cover many repositories, but there is one live site (one
    # ``live`` link, one ``previews/pr-N``): which repository it shows is the operator's choice.
    name = env.get("KENNIS_SITE_REPO", "").strip() or None
    if name is not None and not _REPO_NAME.match(name):
        raise ConfigError(f"KENNIS_SITE_REPO={name!r} is not a repository (expected owner/name)")
    wanted = [v for v in ("KENNIS_DEPLOY", "KENNIS_PREVIEWS") if _flag(env, v)]
    if name is None and wanted:
        raise ConfigError(
            f"KENNIS_SITE_REPO is not set: {' and '.join(f'{v}=1' for v in wanted)} publishes "
            "one repository's site, so refusing to start. Set KENNIS_SITE_REPO=owner/name to "
            "the repository whose site this App builds; pushes and pull requests of other "
            "repositories are then ignored."
        )
    return name


def data_dir_from_env(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    # Absolute, so git commands run in other folders (clones, builds) find the same place.
    return Path(env.get("KENNIS_DATA_DIR") or DEFAULT_DATA_DIR).absolute()


def _private_key(env: Mapping[str, str]) -> str | None:
    inline = env.get("KENNIS_PRIVATE_KEY")
    if inline:
        return inline
    path = env.get("KENNIS_PRIVATE_KEY_FILE")
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"KENNIS_PRIVATE_KEY_FILE={path}: cannot read it ({exc.strerror})"
        ) from None


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={value} must be at least {minimum}")
    return value


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = (env.get(name) or default).upper()
    if value not in allowed:
        raise ConfigError(f"{name}={value!r} must be one of {', '.join(allowed)}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number of seconds") from None
    if value < 0:
        raise ConfigError(f"{name}={value} must not be negative")
    return value


def child_env(env: Mapping[str, str]) -> dict[str, str]:
    """The base environment of git and MkDocs child processes (no secrets, no GIT_* redirects)."""
    return {k: v for k, v in env.items() if not _NOT_FOR_CHILDREN.match(k)}


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip()
    if raw not in ("", "0", "1"):
        raise ConfigError(f"{name}={raw!r} must be 1 (on), 0 or empty (off)")
    return raw == "1"


def _url(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    parsed = urlsplit(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query:
        raise ConfigError(f"{name}={raw!r} is not a web address (expected https://host/path/)")
    return raw.rstrip("/") + "/"


def _origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    found = []
    for item in env.get(name, "").replace(",", " ").split():
        parsed = urlsplit(item)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.path.strip("/"):
            raise ConfigError(
                f"{name}={env[name]!r}: {item!r} is not an origin (expected https://host[:port])"
            )
        found.append(f"{parsed.scheme}://{parsed.netloc}".lower())
    return tuple(found)


_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,100}$")


def _header(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name, "").strip()
    if raw and not _HEADER_NAME.match(raw):
        raise ConfigError(f"{name}={raw!r} is not an HTTP header name (e.g. X-Forwarded-User)")
    return raw or None


def _database_url(env: Mapping[str, str]) -> str | None:
    raw = env.get("KENNIS_DATABASE_URL", "").strip()
    if not raw:
        return None
    scheme = urlsplit(raw).scheme
    if scheme not in ("postgresql", "postgres"):
        shown = f"{scheme}://…" if scheme else "…"  # never echo a password
        raise ConfigError(
            f"KENNIS_DATABASE_URL='{shown}' must start with postgresql:// (leave it empty for "
            "the SQLite ledger in KENNIS_DATA_DIR)"
        )
    return raw


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    value = _float(env, name, default)
    if value <= 0:
        raise ConfigError(f"{name}={value:g} must be more than zero seconds")
    return value


def _log_level(env: Mapping[str, str]) -> str | None:
    raw = env.get("KENNIS_LOG_LEVEL", "").strip().upper()
    if raw and raw not in LOG_LEVELS:
        raise ConfigError(f"KENNIS_LOG_LEVEL={raw!r} must be one of {', '.join(LOG_LEVELS)}")
    return raw or None
