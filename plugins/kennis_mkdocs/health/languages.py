"""The Knowledge health page's per-language table: translations up to date, behind, missing."""

from __future__ import annotations

from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError
from mkdocs.structure.files import File, Files

from kennis.visibility import is_counted

from ..context import SiteContext
from ..reports import PageRef, page_ref


@dataclass
class LanguageRow:
    """One language: how many counted pages it translates, and how many of those lag behind."""

    language: str
    name: str  # the language's own name, e.g. "Nederlands"
    up_to_date: int = 0
    behind: list[PageRef] = field(default_factory=list)
    missing: int = 0  # counted source pages without a translation into this language


def language_rows(context: SiteContext, files: Files, report: File) -> list[LanguageRow]:
    """A row per language any page is translated into, in code order (none: no table)."""
    statuses = [s for s in context.statuses.values() if is_counted(s.page)]
    rows: dict[str, LanguageRow] = {}
    translated: dict[str, set[str]] = {}
    for status in statuses:
        state = status.translation
        if state is None:
            continue
        row = rows.setdefault(state.language, _row(state.language))
        translated.setdefault(state.language, set()).add(state.source)
        if state.behind:
            row.behind.append(page_ref(status, context, files, report))
        else:
            row.up_to_date += 1
    originals = {s.page.path for s in statuses if s.translation is None}
    for language, row in rows.items():
        row.missing = len(originals - translated[language])
        row.behind.sort(key=lambda ref: ref.path)
    return [rows[language] for language in sorted(rows)]


def _row(language: str) -> LanguageRow:
    try:
        locale = Locale.parse(language)
        named = locale.get_display_name(locale)
    except (UnknownLocaleError, ValueError):
        named = None
    return LanguageRow(language, (named or language)[:1].upper() + (named or language)[1:])
