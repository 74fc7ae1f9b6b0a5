"""Review intervals in English and Dutch words, and the canonical form errors suggest."""

from datetime import date

import pytest

from kennis.intervals import NEVER, Interval, parse_interval

WORDS = [
    ("dutch months", "3 maanden", Interval(3, "months")),
    ("dutch month", "1 maand", Interval(1, "months")),
    ("dutch days", "10 dagen", Interval(10, "days")),
    ("dutch day", "1 dag", Interval(1, "days")),
    ("dutch weeks", "2 weken", Interval(2, "weeks")),
    ("dutch years", "2 jaren", Interval(2, "years")),
    ("dutch year", "1 jaar", Interval(1, "years")),
    ("dutch capitals", "3 MAANDEN", Interval(3, "months")),
    ("dutch never", "nooit", NEVER),
    ("dutch never capital", "Nooit", NEVER),
    ("english months", "6 months", Interval(6, "months")),
    ("english year", "1 Year", Interval(1, "years")),
    ("english never", "never", NEVER),
    ("no space", "3maanden", Interval(3, "months")),
]


@pytest.mark.parametrize(("text", "interval"), [w[1:] for w in WORDS], ids=[w[0] for w in WORDS])
def test_english_and_dutch_units_mean_the_same(text, interval):
    assert parse_interval(text) == interval


def test_three_maanden_moves_a_date_three_months():
    assert parse_interval("3 maanden").after(date(2026, 1, 31)) == date(2026, 4, 30)
    assert str(parse_interval("3 maanden")) == "3 months"


MISSES = [
    ("dutch typo", "3 maandn", 'did you mean "3 months"?'),
    ("english typo", "3 monhts", 'did you mean "3 months"?'),
    ("dutch plural typo", "2 jarren", 'did you mean "2 years"?'),
    ("never typo", "noit", 'did you mean "never"?'),
]


@pytest.mark.parametrize(("text", "hint"), [m[1:] for m in MISSES], ids=[m[0] for m in MISSES])
def test_a_near_miss_suggests_the_canonical_form(text, hint):
    with pytest.raises(ValueError, match="is not a review interval") as caught:
        parse_interval(text)
    assert hint in str(caught.value)


@pytest.mark.parametrize("text", ["0 maanden", "soms", "3 keer"], ids=["zero", "word", "far"])
def test_nonsense_is_rejected_without_a_guess(text):
    with pytest.raises(ValueError, match="is not a review interval") as caught:
        parse_interval(text)
    assert "did you mean" not in str(caught.value)


def test_a_dutch_century_is_too_long():
    with pytest.raises(ValueError, match='write "never"'):
        parse_interval("101 jaar")
