"""mkdocs.yml as the one source of truth for the docs folder, and exclude_docs honoured everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kennis.cli import main
from kennis.kb import load_kb
from kennis.mkdocs_yml import parse_site_config
from kennis.tree import MemoryTree, WorkTree
from tests.gitrepo import GitRepo
from tests.sitekit import build

MKDOCS = """site_name: Handbook
docs_dir: handbook  # kennis reads this: no content_dir needed
exclude_docs: |
  drafts/
  *.private.md
theme:
  name: material
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
plugins:
  - search
  - kennis/pageinfo
  - kennis/health
  - kennis/contributors
  - kennis/wanted
validation:
  links:
    not_found: info
"""
PAGES = {
    "handbook/.meta.yml": 'owner: "@ana"\n',
    "handbook/index.md": "# Home\n\nSee [the plan](drafts/plan.md) and [pay](pay.private.md).\n",
    "handbook/how.md": "# How\n\nSteps.\n",
    "handbook/drafts/plan.md": "---\nowner: not a handle\n---\n# Plan\n\n[x](nowhere.md)\n",
    "handbook/pay.private.md": "# Pay\n",
}


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--root", str(root)])


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "kb")
    repo.write("mkdocs.yml", MKDOCS)
    for path, text in PAGES.items():
        repo.write(path, text)
    repo.commit("start", date="2024-01-01T09:00:00+01:00")
    return repo


@pytest.mark.parametrize(
    ("text", "docs_dir", "excluded"),
    [
        ("site_name: x\n", "docs", ()),
        ("docs_dir: ./pages/\n", "pages", ()),
        ("docs_dir: .\n", "", ()),
        ("exclude_docs: |\n  a/\n  !a/keep.md\n", "docs", ("a/", "!a/keep.md")),
        ("docs_dir: !ENV [DOCS, docs]\nexclude_docs: [x.md]\n", "docs", ("x.md",)),
    ],
    ids=["default", "normalised", "root", "negation", "tags-and-list"],
)
def test_site_config(text: str, docs_dir: str, excluded: tuple[str, ...]) -> None:
    site, problems = parse_site_config(text.encode())
    assert problems == [] and site is not None
    assert (site.docs_dir, site.exclude_docs) == (docs_dir, excluded)


def test_negated_patterns_and_mkdocs_defaults() -> None:
    site, _ = parse_site_config(b"exclude_docs: |\n  a/\n  !a/keep.md\n")
    assert site is not None
    assert site.excluded("a/x.md") and not site.excluded("a/keep.md")
    assert site.excluded("templates/t.md") and site.excluded(".hidden.md")
    assert not site.excluded("b/x.md")


def test_an_unreadable_mkdocs_yml_is_a_warning_with_its_line() -> None:
    kb = load_kb(MemoryTree({"mkdocs.yml": b"theme: [material\n"}, [], {}))
    assert [(p.path, p.line, p.severity) for p in kb.problems] == [("mkdocs.yml", 2, "warning")]


def test_docs_dir_is_the_content_folder_and_excluded_pages_are_in_no_report(repo: GitRepo) -> None:
    kb = load_kb(WorkTree(repo.root))
    assert kb.config.content_dir == "handbook"
    assert sorted(kb.pages) == ["handbook/how.md", "handbook/index.md"]
    checked = run(repo.root, "check")
    assert checked.exit_code == 0, checked.output  # plan.md's bad owner is not published
    assert "checked 2 pages" in checked.output
    stale = json.loads(run(repo.root, "stale", "--as-of", "2026-01-01", "--format", "json").output)
    assert [r["path"] for r in stale["pages"]] == ["handbook/how.md", "handbook/index.md"]
    owners = run(repo.root, "owners", "handbook")
    assert "plan" not in owners.output and "private" not in owners.output


def test_content_dir_and_docs_dir_that_differ_name_both_files(repo: GitRepo) -> None:
    repo.write(".github/kennis.yml", "review_every: 6 months\ncontent_dir: content\n")
    checked = run(repo.root, "check")
    assert checked.exit_code == 1
    assert ".github/kennis.yml:2:1: content_dir is 'content' but mkdocs.yml says docs_dir is " in (
        checked.output
    )


@pytest.mark.parametrize(
    ("files", "named"),
    [
        ({}, "content/ (the default; set content_dir in .github/kennis.yml"),
        ({".github/kennis.yml": "content_dir: kb\n"}, "kb/ (content_dir in .github/kennis.yml)"),
        ({"mkdocs.yml": "docs_dir: handbok\n"}, "handbok/ (docs_dir in mkdocs.yml)"),
        ({"mkdocs.yml": "site_name: x\n", "docs/a.txt": "x"}, "docs/ (MkDocs' default)"),
    ],
    ids=["no-config", "typo-in-kennis-yml", "typo-in-mkdocs-yml", "no-pages"],
)
def test_check_without_the_configured_folder_fails_naming_it(
    tmp_path: Path, files: dict[str, str], named: str
) -> None:
    repo = GitRepo(tmp_path / "kb")
    for path, text in files.items():
        repo.write(path, text)
    checked = run(repo.root, "check")
    assert checked.exit_code == 1
    assert f"the content folder {named}" in checked.output
    assert "all good" not in checked.output


def test_the_site_never_names_an_excluded_page(repo: GitRepo) -> None:
    built = build(repo.root)
    assert built.returncode == 0, built.output[-3000:]
    assert not (built.site / "drafts").exists()
    for generated in ("knowledge/health", "knowledge/wanted", "knowledge/contributors"):
        html = (built.site / generated / "index.html").read_text()
        assert "plan" not in html.lower() and "private" not in html, generated
        assert "nowhere" not in html  # a link on an excluded page is nobody's wanted page


@pytest.mark.parametrize(
    ("inherit", "docs_dir"),
    [("base.yml", "from-base"), ("/etc/mkdocs.yml", "docs"), ("../up.yml", "docs")],
    ids=["inside", "absolute", "outside"],
)
def test_inherit_is_followed_inside_the_repository_only(inherit: str, docs_dir: str) -> None:
    files = {"mkdocs.yml": f"INHERIT: {inherit}\n".encode(), "base.yml": b"docs_dir: from-base\n"}
    kb = load_kb(MemoryTree(files, [], {}))
    assert kb.config.content_dir == docs_dir


def test_the_apps_revision_reader_lists_the_docs_folder_mkdocs_yml_names(repo: GitRepo) -> None:
    """The App (PR fan-out, scan, previews) reads a revision, not the work tree: same answer."""
    from kennis.gitrev import GitReader
    from kennis.kb import content_dir_of

    reader = GitReader(repo.root)
    assert content_dir_of(lambda path: reader.read_file("HEAD", path)) == "handbook"
    kb = load_kb(reader.tree_at("HEAD"))
    assert sorted(kb.pages) == ["handbook/how.md", "handbook/index.md"]
