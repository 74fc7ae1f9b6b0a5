"""Repository configuration in ``.github/kennis.yml``: every key optional, validated with positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import Problem
from .frontmatter import decode
from .handles import Handle, parse_handle
from .i18n import SOURCE_LANGUAGE, is_language_tag, languages
from .intervals import Interval, parse_interval
from .page import DEFAULT, Source, as_date
from .paths import normalize
from .texts import N_, error_text
from .yamlload import load_yaml

CONFIG_PATH = ".github/kennis.yml"
REVIEWS_PATH = ".github/kennis-reviews.yml"  # confirmations when pages carry no front matter
VERIFY_MODES = ("pr", "commit")


@dataclass(frozen=True)
class Config:
    """The knowledge base's settings, with the defaults of DESIGN.md."""

    content_dir: str = "content"
    content_dir_source: Source = DEFAULT  # DEFAULT: not set in kennis.yml (mkdocs.yml decides)
    review_every: Interval = field(default_factory=lambda: Interval(12, "months"))
    review_every_source: Source = DEFAULT
    due_soon: Interval = field(default_factory=lambda: Interval(30, "days"))
    max_reviewers: int = 4
    fallback_owner: Handle | None = None
    fallback_source: Source = DEFAULT
    site_url: str | None = None
    ignore_revs: str | None = None  # a file of commits that do not count as edits
    verify: str = "pr"  # how confirmations land: "pr" (a pull request) or "commit" (directly)
    bots: tuple[str, ...] = ()  # logins/e-mails whose commits are not edits (besides the App)
    review_nudge_after: int = 3  # working days a knowledge PR may wait for its owners
    outdated_reports: int = 2  # distinct reader reports that mark a page "reported outdated"
    adopted: date | None = None  # never-reviewed pages are due from this day at the earliest
    front_matter: bool = True  # False: pages carry none; confirmations go to REVIEWS_PATH
    first_time_coach: Handle | None = None  # an extra reviewer for first-time authors
    # how long a translation may lag its changed source before it is "behind"
    translation_grace: Interval = field(default_factory=lambda: Interval(14, "days"))
    language: str = (
        SOURCE_LANGUAGE  # the bot's and the CLI's language (a catalogue in kennis/locale)
    )


def _positive_int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ValueError(N_("{value!r} is not a whole number of at least 1", value=value))


def _path(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(N_("must be a folder path relative to the repository root"))
    return normalize(value.strip().rstrip("/"))


def _url(value: object) -> str:
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return value if value.endswith("/") else value + "/"
    raise ValueError(N_("{value!r} is not a web address starting with https://", value=value))


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(N_("{value!r} is not true or false", value=value))


def _bots(value: object) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    raise ValueError(
        N_('must be a list of GitHub logins or e-mail addresses, e.g. ["renovate[bot]"]')
    )


def _working_days(value: object) -> int:
    if isinstance(value, str):
        interval = parse_interval(value)
        if interval.unit == "days" and interval.count >= 1:
            return interval.count
    raise ValueError(N_("{value!r} is not a number of working days, e.g. 3 days", value=value))


def _verify(value: object) -> str:
    if value in VERIFY_MODES:
        return str(value)
    raise ValueError(
        N_("{value!r} is not one of: {options}", value=value, options=", ".join(VERIFY_MODES))
    )


def _language(value: object) -> str:
    known = languages()
    tag = value.strip().replace("-", "_") if isinstance(value, str) else ""
    if is_language_tag(tag) and (tag in known or tag.split("_")[0] in known):
        return tag  # "nl_BE" speaks the "nl" catalogue
    raise ValueError(
        N_(
            "{value!r} is not a language kennis speaks (known: {known})",
            value=value,
            known=", ".join(known),
        )
    )


_KEYS: dict[str, Any] = {
    "content_dir": _path,
    "review_every": parse_interval,
    "due_soon": parse_interval,
    "max_reviewers": _positive_int,
    "fallback_owner": parse_handle,
    "site_url": _url,
    "ignore_revs": _path,
    "verify": _verify,
    "bots": _bots,
    "review_nudge_after": _working_days,
    "outdated_reports": _positive_int,
    "adopted": as_date,
    "front_matter": _flag,
    "first_time_coach": parse_handle,
    "translation_grace": parse_interval,
    "language": _language,
}


def parse_config(raw: bytes | None, path: str = CONFIG_PATH) -> tuple[Config, list[Problem]]:
    """Parse the config file's bytes (None: no file, all defaults); report every bad key."""
    if raw is None:
        return Config(), []
    text, problem = decode(raw, path)
    if text is None:
        return Config(), [problem] if problem else []
    located, problem = load_yaml(text, path)
    if problem or located is None:
        return Config(), [problem] if problem else []
    if located.value is None:
        return Config(), []
    if not isinstance(located.value, dict):
        return Config(), [
            Problem(
                path, 1, 1, N_("the config must be keys and values, e.g. `review_every: 12 months`")
            )
        ]
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in located.value.items():
        line, col = located.where(key)
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            problems.append(
                Problem(
                    path,
                    *located.where_key(key),
                    N_('unknown setting "{key}" (known: {known})', key=key, known=known),
                    "warning",
                )
            )
            continue
        try:
            values[key] = _KEYS[key](value)
        except ValueError as exc:
            message = N_("{key}: {error}", key=key, error=error_text(exc))
            problems.append(Problem(path, line, col, message))
            continue
        if key == "review_every":
            values["review_every_source"] = Source(path, line)
        if key == "fallback_owner":
            values["fallback_source"] = Source(path, line)
        if key == "content_dir":
            values["content_dir_source"] = Source(path, line)
    return Config(**values), problems


def load_config(root: Path) -> tuple[Config, list[Problem]]:
    """Read ``.github/kennis.yml`` under ``root`` if it exists."""
    file = root / CONFIG_PATH
    return parse_config(file.read_bytes() if file.is_file() else None)
