"""Dates and counts written by kennis' own short cuts read exactly as Babel writes them."""

import datetime as dt
import subprocess
import sys

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


def test_english_plurals_counts_and_dates_are_babels_en_gb() -> None:
    tr, gb = Translator("en", {}), Locale.parse("en_GB")
    for n in [*range(-3, 1200, 7), 1, 12345, 1234567, -1000]:
        one = gb.plural_form(abs(n)) == "one"
        assert tr.ngettext("{n} page", "{n} pages", n) == f"{format_decimal(n, locale=gb)} " + (
            "page" if one else "pages"
        )
    assert tr.number(1234.5) == format_decimal(1234.5, locale=gb)
    for day in DAYS:
        assert tr.date(day) == format_date(day, format="long", locale=gb)
        assert tr.day_month(day) == format_date(day, format="d MMMM", locale=gb)
    assert tr.date(DAYS[0], "medium") == format_date(DAYS[0], format="medium", locale=gb)


def test_english_reads_no_babel_at_all() -> None:
    """Babel's import and locale data are ~35 ms: an English build or command goes without."""
    code = (
        "import sys, datetime\nfrom kennis.i18n import translator\ntr = translator('en')\n"
        "said = [tr.ngettext('{n} day', '{n} days', 1234), tr.date(datetime.date(2026, 8, 18)),"
        " tr.day_month(datetime.date(2026, 12, 3)), tr._('Owner')]\n"
        "print(said, sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "['1,234 days', '18 August 2026', '3 December', 'Owner'] []"
