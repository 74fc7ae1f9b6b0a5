"""Translations in mkdocs-static-i18n's suffix layout: ``page.nl.md`` translates ``page.md``.

A translation's front matter names the source revision it matches (``translation_of:``, a blob or
commit SHA of the source). The history index says whether the source changed after that revision
and since when (``TranslationHistory``, built by ``kennis.translation_history``); ``judge`` turns
that into "behind" once the change is older than the grace period (``translation_grace:``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .intervals import Interval, OutOfRange

#: ``page.nl.md``, ``page.pt_BR.md``: a two-letter language, optionally with a region.
_SUFFIX = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2}(?:_[A-Z]{2})?)\.md$")
_SHA = re.compile(r"^[0-9a-f]{7,64}$")


def split_translation(path: str, is_page: Callable[[str], bool]) -> tuple[str, str] | None:
    """``(source, language)`` when ``path`` is ``x.<lang>.md`` and ``x.md`` is a page; else None."""
    found = _SUFFIX.match(path)
    if found is None or found["stem"].endswith("/"):
        return None
    source = found["stem"] + ".md"
    return (source, found["lang"]) if is_page(source) else None


def translations_among(paths: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Every translation in ``paths`` (those whose source is also listed): path → (source, lang)."""
    known = set(paths)
    found = {}
    for path in known:
        if path[-6:-5] != "." and path[-9:-8] != ".":
            continue  # not ``x.nl.md`` nor ``x.pt_BR.md``: most of 40,000 paths skip the regex
        pair = split_translation(path, known.__contains__)
        if pair is not None:
            found[path] = pair
    return found


def parse_revision(value: object) -> str:
    """A ``translation_of`` value: a (possibly abbreviated) commit or blob SHA, lower-case."""
    text = value.strip().lower() if isinstance(value, str) else ""
    if _SHA.match(text):
        return text
    raise ValueError(
        f"{value!r} is not a git revision (expected the source's blob or commit SHA, 7 to 64 "
        "hex digits; `kennis translate` fills it in)"
    )


@dataclass(frozen=True)
class TranslationHistory:
    """What git says about one translation: its source, and whether that changed after it."""

    path: str
    source: str
    revision: str  # translation_of, as written
    found: bool  # the revision is a blob the source had, or a commit holding the source
    changed_since: datetime | None = None  # first source change after the revision; None: none

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "revision": self.revision,
            "found": self.found,
            "changed_since": self.changed_since.isoformat() if self.changed_since else None,
        }

    @classmethod
    def from_json(cls, path: str, data: object) -> TranslationHistory:
        where = f"translations[{path!r}]"
        if not isinstance(data, dict):
            raise ValueError(f"{where} must be a JSON object")
        source, revision, found = data.get("source"), data.get("revision"), data.get("found")
        if not isinstance(source, str) or not isinstance(revision, str):
            raise ValueError(f"{where}: source and revision must be strings")
        if not isinstance(found, bool):
            raise ValueError(f"{where}.found must be true or false")
        since = data.get("changed_since")
        try:
            moment = datetime.fromisoformat(since) if isinstance(since, str) else None
        except ValueError:
            raise ValueError(f"{where}.changed_since must be an ISO 8601 date-time") from None
        return cls(path, source, revision, found, moment)


@dataclass(frozen=True)
class TranslationState:
    """A translation as of a day: behind when its source changed longer ago than the grace."""

    source: str
    language: str
    changed_on: date | None  # the first change of the source after the translated revision
    behind_from: date | None  # changed_on + grace: the banner shows from this day
    behind: bool

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "language": self.language,
            "changed_on": self.changed_on.isoformat() if self.changed_on else None,
            "behind_from": self.behind_from.isoformat() if self.behind_from else None,
            "behind": self.behind,
        }


def judge(
    history: TranslationHistory | None,
    source: str,
    language: str,
    grace: Interval,
    as_of: date,
) -> TranslationState:
    """Behind once ``grace`` has passed since the source's first change after the translation."""
    if history is None or history.changed_since is None:
        return TranslationState(source, language, None, None, False)
    changed = history.changed_since.date()
    if grace.never:
        return TranslationState(source, language, changed, None, False)
    try:
        behind_from = grace.after(changed)
    except OutOfRange:
        return TranslationState(source, language, changed, None, False)
    return TranslationState(source, language, changed, behind_from, as_of >= behind_from)
