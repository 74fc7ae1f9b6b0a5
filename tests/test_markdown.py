import pytest

from kennis.markdown import code, escape_inline

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
