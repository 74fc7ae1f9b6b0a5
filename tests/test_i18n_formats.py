"""Dates and counts written by kennis' own short cuts read exactly as Babel writes them."""

import datetime as dt

import pytest
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from kennis.i18n import Translator, compiled_date_format

DAYS = [dt.date(1999, 12, 25) + dt.timedelta(days=n * 7 + n % 5) for n in range(600)]


@pytest.mark.parametrize("language", ["en_GB", "nl", "nl_BE", "de", "fr", "ja", "ar", "fa"])
@pytest.mark.parametrize("style", ["long", "d MMMM", "medium", "full", "EEEE d MMMM"])
def test_a_compiled_date_format_writes_what_babel_writes(language: str, style: str) -> None:
    locale = Locale.parse(language)
    formats = compiled_date_format(style, locale)
    for day in DAYS:
        assert formats(day) == format_date(day, format=style, locale=locale), (day, language)


@pytest.mark.parametrize("language", ["en", "nl", "de", "ar", "fa", "hi_Latn", "mr"])
def test_counts_and_dates_through_the_translator_are_babels(language: str) -> None:
    tr = Translator(language, {})
    for n in [*range(0, 1200, 7), 999, 1000, 12345]:
        assert tr.number(n) == format_decimal(n, locale=tr.locale), (language, n)
    for day in DAYS[:50]:
        assert tr.date(day) == format_date(day, format="long", locale=tr.locale)
        assert tr.day_month(day) == format_date(day, format="d MMMM", locale=tr.locale)
