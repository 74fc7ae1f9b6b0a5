import json

import pytest

from kennis.kb import load_kb
from kennis.tree import WorkTree
from tests.kbfiles import page, write_tree


@pytest.fixture
def kb_root(tmp_path):
    return write_tree(
        tmp_path,
        {
            ".github/kennis.yml": 'fallback_owner: "@acme/knowledge-team"\nreview_every: 12 months\n',
            ".github/CODEOWNERS": "/content/ops/ @ops-old\n/content/ops/ @ops-lead @ops-deputy\n",
            "content/own.md": page(owner='"@alice"', coauthors='["@bob"]'),
            "content/kitchen/.meta.yml": 'owner: "@chef"\ncoauthors: ["@sous"]\nreview_every: 6 months\n',
            "content/kitchen/night/.meta.yml": 'coauthors: ["@night", "@SOUS"]\n',
            "content/kitchen/night/close.md": page(coauthors='["@page-level"]'),
            "content/ops/deliveries.md": page(title="Deliveries"),
            "content/misc/orphan.md": "# Orphan\n",
        },
    )


def test_page_with_its_own_owner(kb_root):
    page_ = load_kb(WorkTree(kb_root)).page("content/own.md")
    assert (page_.owner.handle.text, page_.owner_via, str(page_.owner.source)) == (
        "@alice",
        "page",
        "content/own.md:2",
    )
    assert [c.handle.text for c in page_.coauthors] == ["@bob"]


def test_two_meta_levels_merge_coauthor_lists(kb_root):
    page_ = load_kb(WorkTree(kb_root)).page("content/kitchen/night/close.md")
    assert page_.owner.handle.text == "@chef" and page_.owner_via == "meta"
    assert str(page_.owner.source) == "content/kitchen/.meta.yml:1"
    assert [(c.handle.text, str(c.source)) for c in page_.coauthors] == [
        ("@sous", "content/kitchen/.meta.yml:2"),
        ("@night", "content/kitchen/night/.meta.yml:1"),
        ("@page-level", "content/kitchen/night/close.md:2"),
    ]
    assert str(page_.review_every) == "6 months"
    assert str(page_.review_every_source) == "content/kitchen/.meta.yml:3"


def test_codeowners_later_rule_overrides(kb_root):
    page_ = load_kb(WorkTree(kb_root)).page("content/ops/deliveries.md")
    assert (page_.owner.handle.text, page_.owner_via, str(page_.owner.source)) == (
        "@ops-lead",
        "codeowners",
        ".github/CODEOWNERS:2",
    )
    assert [c.handle.text for c in page_.coauthors] == ["@ops-deputy"]
    assert page_.title == "Deliveries"


def test_fallback_owner(kb_root):
    page_ = load_kb(WorkTree(kb_root)).page("content/misc/orphan.md")
    assert (page_.owner.handle.text, page_.owner_via, str(page_.owner.source)) == (
        "@acme/knowledge-team",
        "fallback",
        ".github/kennis.yml:1",
    )
    assert page_.title == "Orphan"
    assert str(page_.review_every) == "12 months"


def test_page_without_any_owner_is_an_error(tmp_path):
    write_tree(tmp_path, {"content/a.md": "# A\n", "content/b.md": page(owner='"@x"')})
    kb = load_kb(WorkTree(tmp_path))
    assert [str(p) for p in kb.errors] == [
        'content/a.md:1:1: this page has no owner: add `owner: "@login"` to its front matter or to a .meta.yml '
        "in its folder, add a CODEOWNERS rule, or set fallback_owner in .github/kennis.yml"
    ]


def test_problems_in_meta_config_and_pages_are_all_reported(tmp_path):
    write_tree(
        tmp_path,
        {
            ".github/kennis.yml": "review_every: soon\nmax_reviewers: 0\nfalback_owner: '@x'\n",
            "content/.meta.yml": "owner: nobody\n",
            "content/a.md": "---\nowner: '@a'\nreviewd: 2026-01-01\n---\n",
            "content/b.md": "---\n- x\n---\n",
            "content/c.md": b"\xff\xfe\x00\x00",
        },
    )
    kb = load_kb(WorkTree(tmp_path))
    found = sorted((p.path, p.line, p.severity) for p in kb.problems)
    assert found == [
        (".github/kennis.yml", 1, "error"),
        (".github/kennis.yml", 2, "error"),
        (".github/kennis.yml", 3, "warning"),
        ("content/.meta.yml", 1, "error"),
        ("content/a.md", 3, "warning"),
        ("content/b.md", 2, "error"),
        ("content/c.md", 1, "error"),
    ]
    typo = next(p for p in kb.problems if p.path == "content/a.md")
    assert typo.message == 'unknown key "reviewd": did you mean "reviewed"?'


def test_page_json_is_stable(kb_root):
    data = load_kb(WorkTree(kb_root)).page("content/own.md").to_json()
    assert json.loads(json.dumps(data)) == {
        "path": "content/own.md",
        "title": "Body",
        "owner": {
            "handle": "@alice",
            "team": False,
            "source": {"file": "content/own.md", "line": 2},
        },
        "owner_via": "page",
        "coauthors": [
            {"handle": "@bob", "team": False, "source": {"file": "content/own.md", "line": 3}}
        ],
        "reviewed": None,
        "reviewed_by": None,
        "review_every": "12 months",
        "review_every_source": {"file": ".github/kennis.yml", "line": 2},
        "type": "article",
        "status": "published",
        "tags": [],
    }
