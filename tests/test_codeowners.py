import pytest

from kennis.codeowners import parse_codeowners

RULES = b"""# Knowledge owners
*                         @acme/knowledge-team
docs/*                    @docs-direct
/content/ops/             @ops-lead @acme/ops
content/ops/night/**      @night-lead
content/ops/night/keys.md
*.pdf                     @archivist
apps/                     @apps
content/people/*.md       @hr
"""

CASES = [
    ("catch-all", "content/index.md", ["@acme/knowledge-team"], 2),
    ("star matches direct children only", "docs/a.md", ["@docs-direct"], 3),
    ("star does not reach subfolders", "docs/x/b.md", ["@acme/knowledge-team"], 2),
    ("anchored folder is recursive", "content/ops/a/b.md", ["@ops-lead", "@acme/ops"], 4),
    ("later rule overrides earlier", "content/ops/night/close.md", ["@night-lead"], 5),
    ("rule without owners unsets", "content/ops/night/keys.md", [], 6),
    ("extension anywhere", "content/ops/manual.pdf", ["@archivist"], 7),
    ("unanchored folder anywhere", "x/apps/y.md", ["@apps"], 8),
    ("star with extension, direct", "content/people/ana.md", ["@hr"], 9),
    ("star with extension, nested", "content/people/x/ana.md", ["@acme/knowledge-team"], 2),
]


@pytest.mark.parametrize(
    ("path", "owners", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_last_matching_rule_wins(path, owners, line):
    codeowners, problems = parse_codeowners(RULES, ".github/CODEOWNERS")
    assert problems == []
    rule = codeowners.match(path)
    assert [h.text for h in rule.owners] == owners
    assert rule.source.line == line


def test_unsupported_lines_are_reported_not_skipped_silently():
    _, problems = parse_codeowners(
        b"*.md @ok\n!secret.md @x\nx.md bob@example.com @bad--name\n", "CODEOWNERS"
    )
    assert [(p.line, p.severity) for p in problems] == [(2, "error"), (3, "warning"), (3, "error")]
    assert 'does not support "!"' in problems[0].message
