"""The starter knowledge base in content/, its templates and site config are sound and build."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kennis.frontmatter import parse_page
from kennis.kb import load_kb
from kennis.page import TYPES
from kennis.status import assess_pages
from kennis.tree import WorkTree
from tests.gitrepo import GitRepo

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
TEMPLATES = REPO / "kennis" / "templates"
TODAY = date(2026, 11, 27)  # the date the starter's review dates were chosen for
TOKENS = ("{{title}}", "{{owner}}", "{{reviewed}}")

PAGES = sorted(p.relative_to(REPO).as_posix() for p in CONTENT.rglob("*.md"))


KB = load_kb(WorkTree(REPO))
STATES = {status.page.path: status.freshness.state for status in assess_pages(KB, None, TODAY)}


def test_kennis_check_finds_nothing_wrong_with_the_starter() -> None:
    assert [str(p) for p in KB.problems] == []
    assert sorted(KB.pages) == PAGES


def resolve_owner(path: str) -> tuple[str, list[str], str]:
    page = KB.pages[path]
    assert page.owner is not None
    return page.owner.handle.text, [c.handle.text for c in page.coauthors], page.owner.source.path


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES, ids=PAGES)
def test_page_front_matter_is_complete_after_inheritance(path: str) -> None:
    page = KB.pages[path]
    assert page.title and page.title.strip(), f"{path}: no title"
    assert page.reviewed is not None, f"{path}: never reviewed"
    assert page.reviewed <= TODAY, f"{path}: reviewed lies in the future"


@pytest.mark.parametrize("path", PAGES, ids=PAGES)
def test_every_page_has_an_owner_without_the_fallback(path: str) -> None:
    assert KB.pages[path].owner_via in ("page", "meta", "codeowners"), f"{path}: falls back"


OWNERS = [
    (
        "own front matter",
        "content/lessons-learned/the-night-the-freezer-failed.md",
        "@amara-osei",
        ["@jdevries"],
        "content/lessons-learned/the-night-the-freezer-failed.md",
    ),
    (
        "page overrides folder owner; folder co-author who is now owner is dropped",
        "content/sharing/writing-tips.md",
        "@maria-lopez",
        ["@amara-osei"],
        "content/sharing/writing-tips.md",
    ),
    (
        "one .meta.yml level",
        "content/sharing/review.md",
        "@acme/knowledge-team",
        ["@maria-lopez"],
        "content/sharing/.meta.yml",
    ),
    (
        "two .meta.yml levels",
        "content/operations/kitchen/closing-at-night.md",
        "@jdevries",
        ["@sam-okafor", "@acme/kitchen-leads"],
        "content/operations/kitchen/.meta.yml",
    ),
    (
        "CODEOWNERS section rule",
        "content/onboarding/first-week.md",
        "@acme/people-team",
        ["@maria-lopez"],
        ".github/CODEOWNERS",
    ),
    (
        "CODEOWNERS later rule wins",
        "content/onboarding/it-accounts.md",
        "@priya-nair",
        ["@acme/it-helpdesk"],
        ".github/CODEOWNERS",
    ),
]


@pytest.mark.parametrize(
    ("path", "owner", "coauthors", "source"),
    [case[1:] for case in OWNERS],
    ids=[case[0] for case in OWNERS],
)
def test_owners_resolve_as_the_starter_intends(
    path: str, owner: str, coauthors: list[str], source: str
) -> None:
    assert resolve_owner(path) == (owner, coauthors, source)


EXPECTED_STATE = {
    "content/onboarding/it-accounts.md": "due_soon",
    "content/operations/kitchen/closing-at-night.md": "due",
    "content/operations/expenses-faq.md": "overdue",
    "content/lessons-learned/the-night-the-freezer-failed.md": "evergreen",
}


@pytest.mark.parametrize("path", PAGES, ids=PAGES)
def test_a_few_pages_need_review_and_the_sharing_guide_is_fresh(path: str) -> None:
    assert STATES[path] == EXPECTED_STATE.get(path, "fresh")


def test_starter_has_a_wanted_stub_and_a_quiz() -> None:
    statuses = {path: KB.pages[path].status for path in PAGES}
    types = {path: KB.pages[path].type for path in PAGES}
    assert [p for p, s in statuses.items() if s == "wanted"] == [
        "content/operations/receiving-deliveries.md"
    ]
    assert "quiz" in types.values() and "story" in types.values()


# --- templates ------------------------------------------------------------------------------


def fill(template: str) -> str:
    """Fill the tokens as kennis new does: the title goes inside the template's double quotes."""
    text = template.replace("{{title}}", 'Opening \\"early\\" shift')
    return text.replace("{{owner}}", "@maria-lopez").replace("{{reviewed}}", TODAY.isoformat())


def front_matter(text: str) -> dict:
    front, problems = parse_page(text.encode(), "template.md")
    assert front is not None and problems == []
    return front.data


@pytest.mark.parametrize("kind", TYPES)
def test_every_type_has_a_template_with_the_three_tokens(kind: str) -> None:
    template = (TEMPLATES / f"{kind}.md").read_text("utf-8")
    head = template.split("\n---", 1)[0]
    for token in TOKENS:
        assert token in head, f"{kind}.md: {token} missing from the front matter"
    assert 'title: "{{title}}"' in head and re.search(r'(?m)^owner: "{{owner}}"', head)
    meta = front_matter(fill(template))
    assert meta["title"] == 'Opening "early" shift'
    assert meta["type"] == kind
    assert meta["status"] == "draft"
    assert meta["owner"] == "@maria-lopez" and meta["reviewed"] == TODAY
    assert "<!--" in template, f"{kind}.md has no guidance for the author"


def test_quiz_template_uses_mkdocs_quiz_syntax() -> None:
    template = (TEMPLATES / "quiz.md").read_text("utf-8")
    meta = front_matter(fill(template))
    assert meta["quiz"] == {"enabled": True}
    blocks = re.findall(r"<quiz>\n(.*?)\n</quiz>", template, re.DOTALL)
    assert len(blocks) >= 2
    assert any(
        re.search(r"^- \[x\] ", b, re.M) and re.search(r"^- \[ \] ", b, re.M) for b in blocks
    )
    assert any("[[" in b for b in blocks), "no fill-in-the-blank example"


# --- config ---------------------------------------------------------------------------------


def test_kennis_config_has_the_documented_keys_and_values() -> None:
    cfg = KB.config
    assert cfg.content_dir == "content" and (REPO / cfg.content_dir).is_dir()
    assert (str(cfg.review_every), str(cfg.due_soon), cfg.max_reviewers) == (
        "12 months",
        "30 days",
        4,
    )
    assert cfg.fallback_owner is not None and cfg.fallback_owner.text == "@acme/knowledge-team"
    assert cfg.site_url is not None and cfg.site_url.startswith("https://")
    raw = (REPO / ".github" / "kennis.yml").read_text("utf-8")
    for key in (
        "content_dir",
        "review_every",
        "due_soon",
        "max_reviewers",
        "fallback_owner",
        "site_url",
    ):  # every key is explained by a comment right above it
        assert re.search(rf"#[^\n]*\n(#[^\n]*\n)*{key}:", raw), f"{key} has no comment"


# --- site build -----------------------------------------------------------------------------


def mkdocs_build(config_file: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config_file),
            "-d",
            str(site),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def starter_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(REPO / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr[-3000:]
    return site, result.stderr


def test_starter_site_builds_strict_with_the_home_page_title(
    starter_site: tuple[Path, str],
) -> None:
    site, _ = starter_site
    home = (site / "index.html").read_text("utf-8")
    assert "<h1>Acme Knowledge Base" in home
    assert 'href="https://github.com/acme/knowledge/edit/main/content/index.md"' in home
    assert not list(site.rglob(".meta.yml")), ".meta.yml must not be published"


def test_the_only_missing_link_target_is_the_wanted_page(starter_site: tuple[Path, str]) -> None:
    _, log = starter_site
    missing = re.findall(r"target '([^']+)' is not found among documentation files", log)
    missing += re.findall(r"contains a link '([^']+)', but the target is not found", log)
    # the English page and its Dutch translation both link it
    assert set(missing) == {"operations/kitchen/fire-safety.md"}


def test_quiz_page_renders_interactive_questions(starter_site: tuple[Path, str]) -> None:
    site, _ = starter_site
    quiz = (site / "sharing" / "check-yourself" / "index.html").read_text("utf-8")
    assert len(re.findall(r'<div class="quiz[" ]', quiz)) == 5
    assert "<quiz>" not in quiz.replace("mkdocs-quiz-source\n<quiz>", "")
    assert "quiz-progress-sidebar" not in (site / "glossary" / "index.html").read_text("utf-8")


def test_every_template_builds_into_a_strict_site(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path)  # the kennis plugins read the pages' history from git
    repo.write("docs/index.md", '---\ntitle: Templates\nowner: "@maria-lopez"\n---\n')
    for kind in TYPES:
        # the author's last step: a template starts as a draft, which production builds leave out
        text = fill((TEMPLATES / f"{kind}.md").read_text("utf-8"))
        repo.write(f"docs/{kind}.md", text.replace("status: draft", "status: published", 1))
    repo.write("mkdocs.yml", f"INHERIT: {REPO / 'mkdocs.yml'}\ndocs_dir: docs\n")
    repo.commit("Every template", date="2026-11-20T10:00:00+00:00")
    child = tmp_path / "mkdocs.yml"
    result = mkdocs_build(child, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    quiz = (tmp_path / "site" / "quiz" / "index.html").read_text("utf-8")
    assert 'data-quiz-type="fill-blank"' in quiz and 'id="quiz-1"' in quiz
    sop = (tmp_path / "site" / "sop" / "index.html").read_text("utf-8")
    heading = re.search(r"<h1[^>]*>([^<]*)", sop)
    assert heading and html.unescape(heading.group(1)).strip() == 'Opening "early" shift'


def test_tabs_show_section_titles_in_the_home_pages_order(starter_site: tuple[Path, str]) -> None:
    site, _ = starter_site
    home = (site / "index.html").read_text("utf-8")
    tabs = re.findall(r'class="md-tabs__link">\s*(.*?)\s*</a>', home, re.S)
    assert tabs[1:5] == [
        "Starting at Acme",
        "Running our sites",
        "Lessons learned",
        "How we share knowledge",
    ]


def test_the_sharing_guide_reads_in_the_order_its_index_recommends(
    starter_site: tuple[Path, str],
) -> None:
    site, _ = starter_site
    html = (site / "sharing" / "index.html").read_text("utf-8")
    nav = html[html.index("md-nav--primary") :]
    order = list(dict.fromkeys(re.findall(r'href="([a-z-]+)/"', nav)))
    assert order[:3] == ["roles", "edit-in-the-browser", "review"]
    assert order.index("after-merge") > order.index("re-confirming")
