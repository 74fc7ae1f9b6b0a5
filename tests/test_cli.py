import json
import subprocess
import sys
from datetime import date

import pytest
from click.testing import CliRunner

from kennis.cli import main
from tests.kbfiles import page, write_tree


@pytest.fixture
def kb(tmp_path, monkeypatch):
    write_tree(
        tmp_path,
        {
            ".github/kennis.yml": 'fallback_owner: "@acme/kb"\n',
            "content/index.md": page(owner='"@alice"', title="Home"),
            "content/kitchen/.meta.yml": 'owner: "@chef"\n',
            "content/kitchen/close.md": page(title="Close", coauthors='["@bob"]'),
        },
    )
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_clean_prints_one_line_summary(kb):
    result = run("check")
    assert result.exit_code == 0
    assert result.output.strip() == "checked 2 pages and 1 folder default: all good"


def broken(kb):
    (kb / "content/kitchen/close.md").write_text(
        "---\ntitle: Close\nowner: chef\nreviewed: never\n---\n"
    )
    (kb / "content/bad.md").write_text("---\ntitle: [\n---\n")


def test_check_reports_every_broken_page_and_exits_1(kb):
    broken(kb)
    result = subprocess.run(
        [sys.executable, "-m", "kennis", "check"], cwd=kb, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "content/bad.md:3:1: YAML syntax error: did not find expected node content",
        'content/kitchen/close.md:3:8: owner: "chef" is missing the "@" (write "@chef")',
        "content/kitchen/close.md:4:11: reviewed: 'never' is not a date (write it as YYYY-MM-DD, e.g. 2026-03-01)",
    ]
    assert "Traceback" not in result.stderr
    assert "3 errors" in result.stderr


def test_check_json_is_a_stable_list(kb):
    broken(kb)
    result = run("check", "--format", "json", "content/kitchen")
    assert result.exit_code == 1
    assert json.loads(result.output) == [
        {
            "path": "content/kitchen/close.md",
            "line": 3,
            "col": 8,
            "severity": "error",
            "message": 'owner: "chef" is missing the "@" (write "@chef")',
        },
        {
            "path": "content/kitchen/close.md",
            "line": 4,
            "col": 11,
            "severity": "error",
            "message": "reviewed: 'never' is not a date (write it as YYYY-MM-DD, e.g. 2026-03-01)",
        },
    ]


def test_check_github_annotations(kb):
    broken(kb)
    result = run("check", "--format", "github", "content/bad.md")
    assert result.output.splitlines()[0] == (
        "::error file=content/bad.md,line=3,col=1::YAML syntax error: did not find expected node content"
    )


def test_owners_json_explains_sources(kb):
    result = run("owners", "--format", "json", "content/kitchen/close.md", "content/new-page.md")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [
        (r["path"], r["owner"]["handle"], r["owner_via"], r["owner"]["source"]["file"])
        for r in rows
    ] == [
        ("content/kitchen/close.md", "@chef", "meta", "content/kitchen/.meta.yml"),
        ("content/new-page.md", "@acme/kb", "fallback", ".github/kennis.yml"),
    ]
    assert rows[0]["coauthors"][0]["handle"] == "@bob"


def test_owners_text(kb):
    result = run("owners", "content/index.md")
    assert result.output.splitlines()[:2] == [
        "content/index.md",
        "  owner      @alice                       content/index.md:2  (front matter)",
    ]


def test_new_page_inherits_the_folder_owner(kb):
    result = run("new", "checklist", "Opening the kitchen", "--in", "kitchen")
    assert result.exit_code == 0, result.output
    text = (kb / "content/kitchen/opening-the-kitchen.md").read_text()
    assert 'title: "Opening the kitchen"' in text and "type: checklist" in text
    assert "owner:" not in text.split("---")[1].replace("# ", "")
    assert f"reviewed: {date.today().isoformat()}" in text
    assert run("check").exit_code == 0
    assert run("owners", "content/kitchen/opening-the-kitchen.md").output.split()[2] == "@chef"


def test_new_page_with_owner_and_refusal_to_overwrite(kb):
    assert run("new", "faq", 'Who "owns" the keys?', "--owner", "@bob").exit_code == 0
    text = (kb / "content/who-owns-the-keys.md").read_text()
    assert 'title: "Who \\"owns\\" the keys?"' in text and 'owner: "@bob"' in text
    again = run("new", "faq", 'Who "owns" the keys?', "--owner", "@bob")
    assert again.exit_code == 1 and "already exists" in again.output


def test_new_refuses_bad_owner(kb):
    result = run("new", "sop", "X", "--owner", "bob smith")
    assert result.exit_code == 2 and "not a GitHub handle" in result.output


@pytest.mark.parametrize(
    "kind", ["article", "how-to", "checklist", "sop", "story", "faq", "quiz", "video", "podcast"]
)
def test_every_template_makes_a_valid_page(kb, kind):
    assert run("new", kind, f"A {kind} page", "--owner", "@alice").exit_code == 0
    result = run("check", f"content/a-{kind}-page.md")
    assert result.exit_code == 0, result.output


def test_verify_bumps_and_reports(kb):
    result = run("verify", "content/kitchen/close.md", "--by", "@chef", "--on", "2026-11-27")
    assert result.exit_code == 0
    assert result.output.strip() == "content/kitchen/close.md: reviewed 2026-11-27 by @chef"
    text = (kb / "content/kitchen/close.md").read_text()
    assert 'reviewed: 2026-11-27\nreviewed_by: "@chef"\n' in text


def test_verify_warns_when_not_an_owner(kb):
    result = CliRunner().invoke(main, ["verify", "content/index.md", "--by", "@mallory"])
    assert result.exit_code == 0
    assert "@mallory is not the owner or a co-author of content/index.md" in result.output


def test_verify_refuses_broken_page_and_writes_nothing(kb):
    broken(kb)
    before = (kb / "content/bad.md").read_bytes()
    result = run("verify", "content/index.md", "content/bad.md", "--by", "@alice")
    assert result.exit_code == 1 and "not changed" in result.output
    assert (kb / "content/bad.md").read_bytes() == before
    assert "reviewed_by" not in (kb / "content/index.md").read_text()
