from datetime import date

import pytest

from kennis.config import Config
from kennis.handles import parse_handle
from kennis.intervals import NEVER, Interval, parse_interval
from kennis.kb_checks import unsafe_names
from kennis.paths import normalize, parents

HANDLES = [
    ("user", "@alice", "@alice", False),
    ("mixed case user", "@Alice-Smith", "@alice-smith", False),
    ("team", "@acme/kitchen-leads", "@acme/kitchen-leads", True),
    ("team with dots", "@acme/ops.night_shift", "@acme/ops.night_shift", True),
]


@pytest.mark.parametrize(
    ("text", "key", "team"), [c[1:] for c in HANDLES], ids=[c[0] for c in HANDLES]
)
def test_handles_parse(text, key, team):
    handle = parse_handle(text)
    assert (handle.key, handle.is_team, handle.text) == (key, team, text)


BAD_HANDLES = [
    "alice",
    "@",
    "@-alice",
    "@alice-",
    "@al--ice",
    "@a b",
    "@" + "a" * 40,
    "@org/",
    "",
    5,
    None,
]


@pytest.mark.parametrize("text", BAD_HANDLES, ids=[repr(b) for b in BAD_HANDLES])
def test_bad_handles_are_refused(text):
    with pytest.raises(ValueError):
        parse_handle(text)


def test_handles_compare_without_case():
    assert parse_handle("@Alice") == parse_handle("@alice")


INTERVALS = [
    ("days", "10 days", Interval(10, "days"), date(2026, 1, 11)),
    ("singular", "1 week", Interval(1, "weeks"), date(2026, 1, 8)),
    ("months", "6 months", Interval(6, "months"), date(2026, 7, 1)),
    ("year", "1 year", Interval(1, "years"), date(2027, 1, 1)),
    ("no space", "3months", Interval(3, "months"), date(2026, 4, 1)),
]


@pytest.mark.parametrize(
    ("text", "interval", "due"), [c[1:] for c in INTERVALS], ids=[c[0] for c in INTERVALS]
)
def test_intervals(text, interval, due):
    assert parse_interval(text) == interval
    assert interval.after(date(2026, 1, 1)) == due
    assert interval.before(due) == date(2026, 1, 1)


def test_month_end_clamps():
    assert Interval(1, "months").after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert Interval(1, "years").after(date(2028, 2, 29)) == date(2029, 2, 28)


def test_never():
    assert parse_interval("Never") is NEVER and str(NEVER) == "never"


@pytest.mark.parametrize("text", ["", "six months", "6 fortnights", "-1 days", "0 weeks", 6, None])
def test_bad_intervals(text):
    with pytest.raises(ValueError):
        parse_interval(text)


@pytest.mark.parametrize("text", ["101 years", "1201 months", "5219 weeks"])
def test_intervals_longer_than_a_century_are_refused(text):
    with pytest.raises(ValueError, match='write "never"'):
        parse_interval(text)
    assert parse_interval("100 years").after(date(2026, 1, 1)) == date(2126, 1, 1)


def test_dates_moved_past_the_calendar_say_so():
    with pytest.raises(ValueError, match="6 months after 9999-12-31 is outside the calendar"):
        Interval(6, "months").after(date(9999, 12, 31))
    with pytest.raises(ValueError, match="1 day before 0001-01-01 is outside the calendar"):
        Interval(1, "days").before(date(1, 1, 1))


PATHS = [
    ("plain", "content/a.md", "content/a.md"),
    ("dot slash", "./content/a.md", "content/a.md"),
    ("backslashes", "content\\kitchen\\a.md", "content/kitchen/a.md"),
    ("double slash", "content//a.md", "content/a.md"),
    ("dot dot inside", "content/x/../a.md", "content/a.md"),
    ("root", ".", ""),
]


@pytest.mark.parametrize(("given", "expected"), [c[1:] for c in PATHS], ids=[c[0] for c in PATHS])
def test_normalize(given, expected):
    assert normalize(given) == expected


@pytest.mark.parametrize("given", ["/etc/passwd", "../x", "content/../../x"])
def test_normalize_refuses_escapes(given):
    with pytest.raises(ValueError):
        normalize(given)


def test_parents_are_root_first():
    assert parents("content/a/b.md") == ["", "content", "content/a"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a.md", [""]),
        ("", [""]),
        ("a//b.md", ["", "a"]),
        ("./a/./b/c.md", ["", "a", "a/b"]),
        ("a/b/", ["", "a"]),
        ("a b/c d.md", ["", "a b"]),
    ],
)
def test_parents_read_paths_as_posix_paths_do(path, expected):
    assert parents(path) == expected


def test_only_names_with_markup_or_control_characters_are_unsafe():
    """Printable names skip the per-character look; the rest are read as before."""
    listing = [
        "content/plain name.md",
        "content/zero\u200bwidth.md",  # not printable, yet no control character: allowed
        "content/Überstunden/ß.md",
        "content/a\x7fb.md",
        "content/R&D.md",
        "content/x/.meta.yml",
        "content/x/notes.txt",
    ]
    found = {p.path: p.message for p in unsafe_names(listing, Config())}
    assert set(found) == {"content/a\x7fb.md", "content/R&D.md"}
    assert "'\\x7f'" in found["content/a\x7fb.md"]
