"""Quizzes in the site's language: kennis lends mkdocs-quiz the catalogues it does not ship.

mkdocs-quiz follows ``theme.language`` but ships no Dutch, and for a language it lacks it logs a
warning on every quiz page, which stops a ``--strict`` build. When kennis has a catalogue for the
language (``quiz_locales/<language>.po``) and the site names none of its own in
``mkdocs_quiz.custom_translations``, kennis names its catalogue there and drops that one warning:
the quiz then speaks the site's language and the build stays clean.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from kennis.i18n import is_language_tag

QUIZ_LOCALES = Path(__file__).with_name("quiz_locales")
QUIZ_LOGGER = "mkdocs.plugins.mkdocs_quiz"


class _LentLanguage(logging.Filter):
    """Drops mkdocs-quiz's "no built-in translation" warning for the languages kennis lends."""

    def __init__(self) -> None:
        super().__init__()
        self.languages: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(
            message.startswith(f"Built-in translation for '{lang}' not found")
            for lang in self.languages
        )


_FILTER = _LentLanguage()


def lend_quiz_language(config: MkDocsConfig, language: str) -> Path | None:
    """Name kennis's catalogue for *language* to mkdocs-quiz, if it is on and lacks one."""
    plugin = config.plugins.get("mkdocs_quiz")
    if not is_language_tag(language):
        return None  # theme.language names a file below: only ever a language tag
    ours = QUIZ_LOCALES / f"{language}.po"
    if plugin is None or not ours.is_file() or _ships(plugin, language):
        return None
    custom = plugin.config.get("custom_translations") or {}
    if language in custom:
        return None  # the site brought its own
    plugin.config["custom_translations"] = {**custom, language: str(ours)}
    _FILTER.languages.add(language)
    logger = logging.getLogger(QUIZ_LOGGER)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return ours


def _ships(plugin: object, language: str) -> bool:
    module = type(plugin).__module__.rpartition(".")[0] or type(plugin).__module__
    root = Path(importlib.import_module(module).__file__ or "").parent
    return (root / "locales" / f"{language}.po").is_file()
