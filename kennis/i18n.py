"""Localised text: gettext catalogues read from ``.po`` files (Babel), dates and numbers per locale.

Every string kennis shows goes through a :class:`Translator`. English is the source language
(the ``msgid``); other languages are ``kennis/locale/<language>/*.po`` files, one per area
(``site.po``, ``bot.po``, ``cli.po``, ...), merged when loaded. Dropping a ``.po`` file in a new
folder adds a language; a missing or empty translation falls back to the English text.

Call sites keep the message literal so Babel's extractor finds it::

    tr = translator("nl")
    tr._("Last edited {when}", when=tr.date(day))
    tr.ngettext("{n} page", "{n} pages", n)
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from babel import Locale

LOCALE_DIR = Path(__file__).with_name("locale")
SOURCE_LANGUAGE = "en"
_DAY_FIRST = {"en": "en_GB"}  # kennis has always written "18 August 2026"
_MAX_FORMATTED = 20_000
T = TypeVar("T")
#: English as en_GB writes it, without Babel: its import and locale data are ~35 ms of every
#: build's and command's start-up, and English is what most knowledge bases are written in.
_MONTHS = ["", "January", "February", "March", "April", "May", "June", "July", "August"]
_MONTHS += ["September", "October", "November", "December"]
_ENGLISH_DATES: dict[str, Callable[[dt.date], str]] = {
    "long": lambda day: f"{day.day} {_MONTHS[day.month]} {day.year}",
    "d MMMM": lambda day: f"{day.day} {_MONTHS[day.month]}",
}


class Translator:
    """One language's catalogue, with locale-aware dates and numbers.

    Babel's locale data is read only when it is needed: English counts, plurals and the two
    date styles kennis writes are formatted by kennis itself (tests hold them to Babel's).
    """

    def __init__(self, language: str, messages: dict[Any, Any]) -> None:
        self.language = language
        self._messages = messages
        self._english = language == SOURCE_LANGUAGE
        # Babel formats a date or number in ~10 µs; a site build asks for the same few hundred
        # days and counts thousands of times (issue 19), so each is formatted once.
        self._formatted: dict[tuple[str, Any], Any] = {}
        self._date_formats: dict[str, Callable[[dt.date], str]] = {}

    @functools.cached_property
    def locale(self) -> Locale:
        """Babel's locale for the language (en_GB for English and for a language it lacks)."""
        from babel import Locale, UnknownLocaleError

        try:
            return Locale.parse(_DAY_FIRST.get(self.language, self.language).replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            return Locale.parse(_DAY_FIRST[SOURCE_LANGUAGE])

    @functools.cached_property
    def _plain_counts(self) -> bool:
        """Whether a count below 1,000 is its own text (no group separator, Latin digits)."""
        from babel.numbers import format_decimal

        return format_decimal(987, locale=self.locale) == "987"

    def _(self, message: str, /, **values: Any) -> str:
        """The translation of *message*, with ``{name}`` placeholders filled from *values*."""
        text = self._messages.get(message) or message
        return text.format(**values) if values else text

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        """The singular or plural form for *n*; ``{n}`` is filled with the formatted number."""
        key = ("plural", n)
        index = self._formatted.get(key)
        if index is None:  # Babel's plural rule: ~2 µs, and the locale data loaded
            one = abs(n) == 1 if self._english else self.locale.plural_form(abs(n)) == "one"
            index = self._remember(key, 0 if one else 1)
        forms = self._messages.get((singular, plural))
        translated = forms[min(index, len(forms) - 1)] if isinstance(forms, tuple) else ""
        text = translated or (singular, plural)[index]
        return text.format(n=self.number(n), **values)

    def date(self, day: dt.date, style: str = "long") -> str:
        """*day* as the locale writes it: "18 August 2026", "18 augustus 2026"."""
        key = (style, day)
        found = self._formatted.get(key)
        if found is None:
            formats = self._date_formats.get(style) or self._date_format(style)
            found = self._remember(key, formats(day))
        return found

    def _date_format(self, style: str) -> Callable[[dt.date], str]:
        english = _ENGLISH_DATES.get(style) if self._english else None
        found = english or compiled_date_format(style, self.locale)
        self._date_formats[style] = found
        return found

    def day_month(self, day: dt.date) -> str:
        """*day* without its year: "3 December", "3 december"."""
        return self.date(day, "d MMMM")

    def number(self, value: float) -> str:
        if type(value) is int:
            if self._english:
                return f"{value:,}"
            if 0 <= value < 1000 and self._plain_counts:
                return str(value)
        key = ("number", value)
        found = self._formatted.get(key)
        if found is None:
            from babel.numbers import format_decimal

            found = self._remember(key, format_decimal(value, locale=self.locale))
        return found

    def _remember(self, key: tuple[str, Any], text: T) -> T:
        if len(self._formatted) >= _MAX_FORMATTED:  # a long-running App: start afresh
            self._formatted.clear()
        self._formatted[key] = text
        return text


_SIMPLE_DATE = re.compile(r"(?:[^%]|%%|%\((?:d|MMMM|y)\)s)*")


def compiled_date_format(style: str, locale: Locale) -> Callable[[dt.date], str]:
    """Babel's ``format_date`` for one style and locale, its pattern read once.

    Patterns made of day, month name and year (``d MMMM y``: English, Dutch, German, French…)
    are filled in directly, ~1 µs a date instead of Babel's ~10; any other goes through Babel.
    """
    from babel.dates import format_date, get_date_format, parse_pattern

    named = style in ("short", "medium", "long", "full")
    written = get_date_format(style, locale) if named else style  # type: ignore[arg-type]
    pattern = parse_pattern(written)
    text = str(pattern.format)  # "%(d)s %(MMMM)s %(y)s" (Babel's annotation says otherwise)
    if not _SIMPLE_DATE.fullmatch(text):
        return lambda day: format_date(day, format=style, locale=locale)
    months = locale.months["format"]["wide"]
    return lambda day: text % {"d": day.day, "MMMM": months[day.month], "y": day.year}


def languages() -> list[str]:
    """The languages with a catalogue, English first."""
    found = sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir() and any(p.glob("*.po")))
    return [SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE)]


_TAG = re.compile(r"[A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,8})?")


def _candidates(language: str) -> list[str]:
    """``nl_BE`` then ``nl``; nothing for a value that is no language tag (never a path)."""
    tag = (language or SOURCE_LANGUAGE).replace("-", "_")
    if not _TAG.fullmatch(tag):
        return []
    return [tag, tag.split("_")[0]] if "_" in tag else [tag]


def is_language_tag(value: str) -> bool:
    """``nl``, ``nl_BE``, ``pt-BR``: a language tag, never a path or anything longer."""
    return bool(_TAG.fullmatch(value.replace("-", "_")))


@functools.lru_cache(maxsize=64)  # a repository cannot grow it without bound
def translator(language: str | None) -> Translator:
    """The translator for *language* (``nl``, ``nl_BE``, ``nl-BE``); unknown ones speak English."""
    for tag in _candidates(language or SOURCE_LANGUAGE):
        folder = LOCALE_DIR / tag
        if folder.is_dir():
            return Translator(tag, load_messages(folder))
    return Translator(SOURCE_LANGUAGE, {})


def load_messages(folder: Path) -> dict[Any, Any]:
    """Map each msgid to its translation from every ``.po`` file in *folder* (untranslated ones left out)."""
    # Here, not at the top: an English site reads no catalogue, and this import (with difflib)
    # is ~10 ms of every build's and every command's start-up.
    from babel.messages.pofile import read_po

    messages: dict[Any, Any] = {}
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=folder.name)
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                messages[message.id] = message.string
    return messages
