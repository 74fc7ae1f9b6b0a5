"""Maps (event, action) to handler functions, and the context each handler receives."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from github import Github

    from review_bot.github_client import GitHubApp
    from review_bot.mirror import Mirror

Handler = Callable[["DeliveryContext"], None]
ANY_ACTION = "*"

# Concern modules imported by `kennis-bot serve`; each registers its handlers on `router`.
BUILTIN_CONCERNS: tuple[str, ...] = (
    "review_bot.reviewers",
    "review_bot.review_due",
    "review_bot.confirm",
    "review_bot.site.deploy",
    "review_bot.site.previews",
)


class Router:
    """A registry of handlers; concern modules register with ``@router.on(event, *actions)``."""

    def __init__(self) -> None:
        self._handlers: dict[tuple[str, str], list[Handler]] = {}

    def on(self, event: str, *actions: str) -> Callable[[Handler], Handler]:
        """Register the decorated handler for *event* with any of *actions* (all if none given)."""

        def register(handler: Handler) -> Handler:
            for action in actions or (ANY_ACTION,):
                bucket = self._handlers.setdefault((event, action), [])
                if handler not in bucket:
                    bucket.append(handler)
            return handler

        return register

    def handlers_for(self, event: str, action: str | None) -> list[Handler]:
        """Handlers for this (event, action), in registration order, specific before catch-all."""
        found = list(self._handlers.get((event, action or ""), []))
        found += [h for h in self._handlers.get((event, ANY_ACTION), []) if h not in found]
        return found

    def routes(self) -> list[tuple[str, str, str]]:
        """(event, action, handler name) triples, for diagnostics."""
        return sorted(
            (event, action, f"{h.__module__}.{h.__qualname__}")
            for (event, action), handlers in self._handlers.items()
            for h in handlers
        )


router = Router()


def load_concerns(specs: Iterable[str], target: Router = router) -> None:
    """Import each ``module`` (registers on import) or ``module:func`` (called with the router).

    This is also the operator hook ``KENNIS_EXTRA_HANDLERS=pkg.mod,other.mod:register``.
    """
    for spec in specs:
        module_name, _, attr = spec.partition(":")
        module = importlib.import_module(module_name)
        if attr:
            register = getattr(module, attr)
            register(target)


class DeliveryContext:
    """What a handler gets: the delivery's identity and payload, plus lazy GitHub and git access."""

    def __init__(
        self,
        *,
        delivery_id: str,
        event: str,
        payload: dict[str, Any],
        attempt: int,
        app: GitHubApp | None,
        mirrors_root: Any,
        ledger_path: Any = None,
    ) -> None:
        self.delivery_id = delivery_id
        self.event = event
        self.payload = payload
        self.attempt = attempt
        self._app = app
        self._mirrors_root = mirrors_root
        self.ledger_path = ledger_path  # the SQLite file concerns may keep small state tables in
        self.log = logging.LoggerAdapter(
            logging.getLogger("review_bot.handler"), {"delivery": delivery_id}
        )

    @property
    def app(self) -> GitHubApp | None:
        """The App's credentials (None when no App is configured), for cross-repository work."""
        return self._app

    @property
    def mirrors_root(self) -> Path:
        """Where the repository mirrors live."""
        return Path(self._mirrors_root)

    @property
    def action(self) -> str | None:
        action = self.payload.get("action")
        return action if isinstance(action, str) else None

    @property
    def installation_id(self) -> int | None:
        installation = self.payload.get("installation")
        value = installation.get("id") if isinstance(installation, dict) else None
        return value if isinstance(value, int) else None

    @property
    def repository(self) -> dict[str, Any]:
        repo = self.payload.get("repository")
        return repo if isinstance(repo, dict) else {}

    @property
    def repo_full_name(self) -> str | None:
        name = self.repository.get("full_name")
        return name if isinstance(name, str) else None

    @cached_property
    def github(self) -> Github:
        """PyGithub client authenticated as this delivery's installation (made on first use)."""
        if self._app is None:
            raise RuntimeError("no GitHub App configured (set KENNIS_APP_ID, KENNIS_PRIVATE_KEY)")
        if self.installation_id is None:
            raise RuntimeError(f"delivery {self.delivery_id} has no installation id")
        return self._app.client(self.installation_id)

    def installation_token(self) -> str:
        """Return the installation access token (for git over https); never log it."""
        if self._app is None or self.installation_id is None:
            raise RuntimeError("no GitHub App installation for this delivery")
        return self._app.token(self.installation_id)

    @cached_property
    def mirror(self) -> Mirror:
        """The local mirror of the payload's repository (cloned on first fetch)."""
        from review_bot.mirror import Mirror

        clone_url = self.repository.get("clone_url")
        if not isinstance(clone_url, str) or not self.repo_full_name:
            raise RuntimeError(f"delivery {self.delivery_id} names no repository clone_url")
        token = None
        if clone_url.startswith("https://") and self._app is not None:
            token = self.installation_token
        return Mirror.for_repository(self._mirrors_root, self.repo_full_name, clone_url, token)
