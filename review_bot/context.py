"""What a handler receives: the delivery, the settings, and lazy GitHub, git and PR access."""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from review_bot.settings import Settings

if TYPE_CHECKING:
    from github import Github

    from kennis.changes import PullRequestChanges
    from review_bot.github_client import GitHubApp
    from review_bot.ledger import DeliveryLedger
    from review_bot.mirror import Mirror


class DeliveryContext:
    """One delivery's identity, payload and settings; GitHub, the mirror and PR data made once."""

    def __init__(
        self,
        *,
        delivery_id: str,
        event: str,
        payload: dict[str, Any],
        attempt: int,
        app: GitHubApp | None,
        mirrors_root: Any,
        settings: Settings | None = None,
        ledger_path: Any = None,
        ledger: DeliveryLedger | None = None,
    ) -> None:
        self.delivery_id = delivery_id
        self.event = event
        self.payload = payload
        self.attempt = attempt
        self._app = app
        self._mirrors_root = mirrors_root
        # The settings parsed once at start (defaults when a test builds a context by hand).
        self.settings = settings or Settings(webhook_secret=b"")
        self.ledger_path = ledger_path  # the SQLite file concerns may keep small state tables in
        self._ledger = ledger  # the worker's own ledger: later deliveries are queued in it
        self.log = logging.LoggerAdapter(
            logging.getLogger("review_bot.handler"), {"delivery": delivery_id}
        )
        # Each pull request's changes, computed once per delivery and revision pair.
        self._pull_requests: dict[tuple[int, str, str], PullRequestChanges] = {}

    @property
    def ledger(self) -> DeliveryLedger:
        """The ledger this delivery came from (SQLite at ``ledger_path`` when built by hand)."""
        if self._ledger is None:
            from review_bot.ledger import Ledger

            self._ledger = Ledger(Path(self.ledger_path))
        return self._ledger

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

    @cached_property
    def lazy_github(self) -> Github:
        """The same installation client, made lazy: objects are fetched only when a field is read.

        No GET for a repository or pull request whose number we already know. Pacing and
        retries are the App's (``GitHubApp.client``).
        """
        from github import Github

        kwargs = dict(self.github.requester.kwargs)
        kwargs.update(lazy=True)
        return Github(**kwargs)

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
        return Mirror.for_repository(
            self._mirrors_root, self.repo_full_name, clone_url, token, self.settings.child_env
        )

    def pull_request(self, number: int, base_sha: str, head_sha: str) -> PullRequestChanges:
        """The pull request's changes, both sides, touched pages and owners: once per delivery.

        Review routing, previews and PR-time confirmations all read this one fan-out.
        """
        key = (number, base_sha, head_sha)
        if key not in self._pull_requests:
            from review_bot.pr_changes import changes_for

            self._pull_requests[key] = changes_for(
                self.mirror, self.repo_full_name or "", number, base_sha, head_sha
            )
        return self._pull_requests[key]
