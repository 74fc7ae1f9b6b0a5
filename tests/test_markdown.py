import pytest

from kennis.markdown import code, escape_inline, inline_code

CASES = [
    ("plain", "Closing the kitchen", "Closing the kitchen"),
    ("html", "<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
    ("markdown", "*bold* [link](x) `code`", "\\*bold\\* \\[link\\]\\(x\\) \\`code\\`"),
    ("table pipe", "a | b", "a &#124; b"),
    ("team mention", "Ask @acme/everyone", "Ask @\u200dacme/everyone"),
    ("user mention", "@alice wrote this", "@\u200dalice wrote this"),
    ("e-mail stays readable", "mail kb@example.com", "mail kb@\u200dexample.com"),
    ("newlines flattened", "two\nlines", "two lines"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_escape_inline(text, expected):
    assert escape_inline(text) == expected


def test_code_cannot_break_out():
    assert code("a|b</code><b>") == "<code>a&#124;b&lt;/code&gt;&lt;b&gt;</code>"


NEUTRAL = [
    ("issue reference", "see #123", "see \\#\u200d123"),
    ("cross-repo reference", "acme/kb#7", "acme/kb\\#\u200d7"),
    ("heading word stays", "#kitchen", "\\#kitchen"),
    ("apostrophe", "Don't", "Don't"),
    ("backticks and a team", "`x` @acme/kitchen-leads", "\\`x\\` @\u200dacme/kitchen\\-leads"),
    ("pipe after reference", "#1|2", "\\#\u200d1&#124;2"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in NEUTRAL], ids=[c[0] for c in NEUTRAL]
)
def test_escape_inline_links_no_issue_and_pings_nobody(text, expected):
    assert escape_inline(text) == expected


CODE = [
    ("newline", "content/a\nb.md", "<code>content/a\\nb.md</code>"),
    ("escape sequence", "red\x1b[31m", "<code>red\\x1b[31m</code>"),
    ("backticks", "``@acme/x``", "<code>``@acme/x``</code>"),
    ("html", "<img src=x>", "<code>&lt;img src=x&gt;</code>"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CODE], ids=[c[0] for c in CODE])
def test_code_keeps_a_name_on_one_line_and_inside_the_span(text, expected):
    assert code(text) == expected


INLINE = [
    ("plain path", "content/a.md", "`content/a.md`"),
    ("backtick break-out", "x` @acme/kitchen-leads `y", "`` x` @acme/kitchen-leads `y ``"),
    ("double backticks", "a``b", "``` a``b ```"),
    ("newline", "a\n# b", "`a\\n# b`"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in INLINE], ids=[c[0] for c in INLINE])
def test_inline_code_fences_longer_than_any_backtick_run(text, expected):
    assert inline_code(text) == expected
