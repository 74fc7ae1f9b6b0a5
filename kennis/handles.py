"""GitHub handles: ``@login`` for people and ``@org/team`` for teams, compared case-insensitively."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .texts import N_

# GitHub logins: alphanumerics and single hyphens, no leading/trailing hyphen, at most 39 chars.
_LOGIN = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
_TEAM_SLUG = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}"
_HANDLE = re.compile(rf"^@(?P<login>{_LOGIN})(?:/(?P<team>{_TEAM_SLUG}))?$")
BOT_SUFFIX = "[bot]"
# GitHub's private commit e-mails name the login: "123+alice@users.noreply.github.com".
_NOREPLY = re.compile(rf"^(?:\d+\+)?(?P<login>{_LOGIN})@users\.noreply\.github\.com$", re.I)


@dataclass(frozen=True)
class Handle:
    """A user (``@alice``) or a team (``@acme/kitchen``); equality ignores case."""

    text: str = field(compare=False)
    key: str = field(repr=False)

    @property
    def is_team(self) -> bool:
        return "/" in self.key

    @property
    def login(self) -> str:
        """The user login (without ``@``), or for a team the ``org/slug`` part."""
        return self.text[1:]

    @property
    def org(self) -> str | None:
        return self.login.split("/", 1)[0] if self.is_team else None

    @property
    def slug(self) -> str | None:
        return self.login.split("/", 1)[1] if self.is_team else None

    def __str__(self) -> str:
        return self.text


def parse_handle(value: object) -> Handle:
    """Parse ``@login`` or ``@org/team``; raise ValueError with an author-friendly message."""
    if not isinstance(value, str):
        raise ValueError(
            N_(
                '{value} is not a GitHub handle (expected text like "@login" or "@org/team")',
                value=_show(value),
            )
        )
    text = value.strip()
    if _HANDLE.match(text):
        return Handle(text, handle_key(text))
    if not text.startswith("@") and _HANDLE.match("@" + text):
        raise ValueError(N_('"{text}" is missing the "@" (write "@{text}")', text=text))
    raise ValueError(
        N_('"{text}" is not a GitHub handle (expected @login or @org/team)', text=text)
    )


def _show(value: object) -> str:
    if value is None:
        return N_("an empty value")
    if isinstance(value, list):
        return N_("a list")
    if isinstance(value, dict):
        return N_("a mapping")
    return f"{value!r}"


def handle_key(login: str) -> str:
    """The one key handles are compared by (GitHub logins and team slugs ignore case).

    ``Alice`` and ``@Alice`` → ``@alice``; ``Acme/Team`` and ``@acme/team`` → ``@acme/team``.
    """
    text = login.strip()
    return (text if text.startswith("@") else "@" + text).lower()


def login_of(text: str) -> Handle:
    """Build a handle from a GitHub API login (no ``@``), e.g. a PR author."""
    return Handle("@" + text, handle_key(text))


def is_bot(login: str) -> bool:
    return login.lower().endswith(BOT_SUFFIX)


def noreply_login(email: str) -> str | None:
    """The GitHub login a commit e-mail names (GitHub's no-reply addresses), else None."""
    match = _NOREPLY.match(email.strip())
    return match["login"] if match else None
