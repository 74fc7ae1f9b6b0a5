"""Front-matter keys of pages and ``.meta.yml`` folder defaults: validation and value objects."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .errors import Problem
from .handles import Handle, parse_handle
from .intervals import Interval, parse_interval
from .texts import N_, error_text
from .translations import parse_revision
from .yamlload import Located

TYPES = ("article", "how-to", "checklist", "sop", "story", "faq", "quiz", "video", "podcast")
STATUSES = ("draft", "published", "wanted", "archived")
SCALAR_KEYS = (
    "title",
    "owner",
    "reviewed",
    "reviewed_by",
    "review_every",
    "type",
    "status",
    "archived",
    "snoozed_until",
)
LIST_KEYS = ("coauthors", "tags")


@dataclass(frozen=True)
class Source:
    """Where an answer came from: a file and a 1-based line (0 when it is a built-in default)."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def to_json(self) -> dict[str, object]:
        return {"file": self.path, "line": self.line or None}


DEFAULT = Source("(kennis default)")


@dataclass(frozen=True)
class Attributed:
    """A handle plus the file and line it was read from."""

    handle: Handle
    source: Source

    def to_json(self) -> dict[str, object]:
        return {
            "handle": self.handle.text,
            "team": self.handle.is_team,
            "source": self.source.to_json(),
        }


@dataclass(frozen=True)
class Fields:
    """The validated known keys of one YAML mapping, each with its source line."""

    path: str
    scalars: dict[str, tuple[Any, Source]]
    lists: dict[str, list[tuple[Any, Source]]]
    where: dict[str, tuple[int, int]] = field(default_factory=dict)  # scalar value → (line, col)


def as_date(value: object) -> date:
    """A YAML date (or ISO text) as a day; a message for the author otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(
        N_("{value!r} is not a date (write it as YYYY-MM-DD, e.g. 2026-03-01)", value=value)
    )


def _as_text(value: object) -> str:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError(N_("must be text"))


def _as_url(value: object) -> str:
    """An http(s) address, e.g. the request a page was written for (``requested_in``)."""
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"https?://[^\s/?#]+(?:[/?#]\S*)?", text):
        return text
    raise ValueError(N_("{value!r} is not a web address (expected https://…)", value=value))


def _choice(options: tuple[str, ...], what: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in options:
            return value.strip().lower()
        raise ValueError(
            N_(
                "{what} {value!r} is not one of: {options}",
                what=what,
                value=value,
                options=", ".join(options),
            )
        )

    return check


def _tag(value: object) -> str:
    if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    raise ValueError(N_("tag {value!r} must be a word or phrase", value=value))


SCALARS: dict[str, Callable[[object], Any]] = {
    "title": _as_text,
    "owner": parse_handle,
    "reviewed": as_date,
    "reviewed_by": parse_handle,
    "review_every": parse_interval,
    "type": _choice(TYPES, "type"),
    "status": _choice(STATUSES, "status"),
    "requested_in": _as_url,  # the knowledge request the page was written for
    "archived": as_date,  # the day /archive retired the page
    "snoozed_until": as_date,  # out of the review-due issue until this day
    "translation_of": parse_revision,  # page.<lang>.md: the source revision it matches
}
ITEMS: dict[str, Callable[[object], Any]] = {"coauthors": parse_handle, "tags": _tag}
HINTS = {"coauthors": '["@bob", "@acme/team"]', "tags": "[onboarding, kitchen]"}


def validate_fields(located: Located | None, path: str) -> tuple[Fields, list[Problem]]:
    """Validate every known key of a page's front matter or a ``.meta.yml``; collect all problems."""
    scalars: dict[str, tuple[Any, Source]] = {}
    lists: dict[str, list[tuple[Any, Source]]] = {}
    where: dict[str, tuple[int, int]] = {}
    problems: list[Problem] = []
    data = located.value if located and isinstance(located.value, dict) else {}
    assert located is not None or not data

    def report(key: tuple[object, ...], message: str) -> None:
        line, col = located.where(*key)  # type: ignore[union-attr]
        problems.append(Problem(path, line, col, message))

    for key, value in data.items():
        if key in SCALARS:
            line = located.where_key(key)[0]  # type: ignore[union-attr]
            try:
                scalars[key] = (SCALARS[key](value), Source(path, line))
                where[key] = located.where(key)  # type: ignore[union-attr]
            except ValueError as exc:
                report((key,), N_("{key}: {error}", key=key, error=error_text(exc)))
        elif key in ITEMS:
            if not isinstance(value, list):
                hint = HINTS[key]
                report((key,), N_("{key} must be a list, e.g. {key}: {hint}", key=key, hint=hint))
                continue
            items = lists.setdefault(key, [])
            for i, item in enumerate(value):
                line = located.where(key, i)[0]  # type: ignore[union-attr]
                try:
                    items.append((ITEMS[key](item), Source(path, line)))
                except ValueError as exc:
                    report((key, i), N_("{key}: {error}", key=key, error=error_text(exc)))
    return Fields(path, scalars, lists, where), problems


@dataclass(frozen=True)
class Page:
    """A page's effective metadata after folder defaults, CODEOWNERS and config are applied."""

    path: str
    title: str | None
    owner: Attributed | None
    coauthors: tuple[Attributed, ...]
    owner_via: str  # "page" | "meta" | "codeowners" | "fallback" | "none"
    reviewed: date | None
    reviewed_by: Handle | None
    review_every: Interval
    review_every_source: Source
    type: str
    status: str
    tags: tuple[str, ...]
    archived: date | None = None
    snoozed_until: date | None = None
    requested_in: str | None = None  # the knowledge request it was written for
    language: str | None = None  # page.<lang>.md: the translation's language
    source: str | None = None  # ...and the page it translates
    translation_of: str | None = None  # the source revision it matches (blob or commit SHA)

    @property
    def reviewers(self) -> tuple[Handle, ...]:
        """Owner first, then co-authors: everyone who can review or confirm this page."""
        owner = (self.owner.handle,) if self.owner else ()
        return owner + tuple(a.handle for a in self.coauthors)

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "title": self.title,
            "owner": self.owner.to_json() if self.owner else None,
            "owner_via": self.owner_via,
            "coauthors": [c.to_json() for c in self.coauthors],
            "reviewed": self.reviewed.isoformat() if self.reviewed else None,
            "reviewed_by": self.reviewed_by.text if self.reviewed_by else None,
            "review_every": str(self.review_every),
            "review_every_source": self.review_every_source.to_json(),
            "type": self.type,
            "status": self.status,
            "tags": list(self.tags),
            **(
                {"language": self.language, "source": self.source}
                if self.source is not None
                else {}
            ),
        }
