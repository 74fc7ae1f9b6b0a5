"""Random front matter never makes the core raise: authors always get problems, not tracebacks."""

from datetime import date

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennis.errors import Problem
from kennis.frontmatter import parse_page
from kennis.kb import load_kb
from kennis.page import validate_fields
from kennis.status import assess_pages
from kennis.tree import MemoryTree

KEYS = st.sampled_from(
    [
        "title",
        "owner",
        "coauthors",
        "reviewed",
        "reviewed_by",
        "review_every",
        "type",
        "status",
        "tags",
        "hide",
        "x",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.dates().map(str),
    st.sampled_from(["@alice", "@acme/team", "6 months", "never", "sop"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
MAPPINGS = st.dictionaries(KEYS, VALUES, max_size=9)


def check(raw: bytes) -> None:
    front, problems = parse_page(raw, "content/p.md")
    assert all(isinstance(p, Problem) and p.line >= 1 and p.col >= 1 for p in problems)
    if front is not None:
        _, more = validate_fields(front.located, "content/p.md")
        assert all(isinstance(p, Problem) for p in more)
    kb = load_kb(MemoryTree({"content/p.md": raw, "content/.meta.yml": raw[4:200]}))
    assert all(isinstance(p, Problem) for p in kb.problems)
    # Whatever the values, pages are judged, never crash the site, `kennis stale` or the bot.
    for as_of in (date.min, date(2026, 6, 1), date.max):
        assess_pages(kb, None, as_of)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(MAPPINGS)
def test_structured_front_matter(data):
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=False)
    check(f"---\n{text}---\nbody\n".encode())


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.sampled_from(list("-:[]{}'\"@#&*!|>%\n\t ,.0123456789abcowner")), max_size=120
    )
)
def test_yaml_punctuation_soup(text):
    check(f"---\n{text}\n---\n".encode())


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_arbitrary_bytes(raw):
    check(b"---\n" + raw)
    check(raw)
