"""The starter knowledge base in content/, its templates and site config are sound and build."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pathspec
import pytest
from ruamel.yaml import YAML

from kennis.intervals import Interval, parse_interval
from kennis.page import STATUSES, TYPES

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
TEMPLATES = REPO / "kennis" / "templates"
TODAY = date(2026, 11, 27)  # the date the starter's review dates were chosen for
HANDLE = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9-]{0,38}(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")
TOKENS = ("{{title}}", "{{owner}}", "{{reviewed}}")

PAGES = sorted(p.relative_to(REPO).as_posix() for p in CONTENT.rglob("*.md"))


def _yaml() -> YAML:
    return YAML(typ="safe", pure=True)


def front_matter(text: str, where: str) -> dict[str, Any]:
    match = re.match(r"---\r?\n(.*?)\r?\n---\r?\n", text, re.DOTALL)
    assert match, f"{where}: no front matter block between --- lines"
    data = _yaml().load(match.group(1))
    assert isinstance(data, dict), f"{where}: front matter is not a mapping"
    return data


def page_meta(path: str) -> dict[str, Any]:
    return front_matter((REPO / path).read_text("utf-8"), path)


def merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Material meta-plugin semantics: nearest scalar wins, lists are added, mappings merge."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = out[key] + [v for v in value if v not in out[key]]
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def effective(path: str) -> tuple[dict[str, Any], str]:
    """Front matter after .meta.yml inheritance, and where the owner came from."""
    merged: dict[str, Any] = {}
    owner_from = ""
    folder = REPO
    for part in Path(path).parent.parts:
        folder = folder / part
        meta_file = folder / ".meta.yml"
        if meta_file.exists():
            meta = _yaml().load(meta_file.read_text("utf-8")) or {}
            merged = merge(merged, meta)
            if "owner" in meta:
                owner_from = meta_file.relative_to(REPO).as_posix()
    own = page_meta(path)
    if "owner" in own:
        owner_from = path
    return merge(merged, own), owner_from


@dataclass(frozen=True)
class Rule:
    spec: pathspec.PathSpec
    owners: tuple[str, ...]


def codeowners() -> list[Rule]:
    rules = []
    for line in (REPO / ".github" / "CODEOWNERS").read_text("utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pattern, *owners = line.split()
        rules.append(Rule(pathspec.PathSpec.from_lines("gitignore", [pattern]), tuple(owners)))
    return rules


def resolve_owner(path: str) -> tuple[str, list[str], str]:
    """Owner, co-authors and source: page → .meta.yml chain → CODEOWNERS (last rule wins)."""
    meta, owner_from = effective(path)
    coauthors = list(meta.get("coauthors", []))
    owner, source = meta.get("owner", ""), owner_from
    if not owner:
        matching = [rule for rule in codeowners() if rule.spec.match_file(path)]
        if matching:
            owner, *rest = matching[-1].owners
            coauthors, source = rest + coauthors, ".github/CODEOWNERS"
    # The owner is never also listed (and asked) as a co-author.
    return owner, [c for c in coauthors if c != owner], source


def config() -> dict[str, Any]:
    return _yaml().load((REPO / ".github" / "kennis.yml").read_text("utf-8"))


def freshness(path: str, as_of: date) -> str:
    """The ★ freshness state of a starter page (reviewed dates are always set in the starter)."""
    meta, _ = effective(path)
    every = parse_interval(meta.get("review_every", config()["review_every"]))
    if every.never:
        return "evergreen"
    due = every.after(meta["reviewed"])
    soon: Interval = parse_interval(config()["due_soon"])
    if as_of >= every.after(due):
        return "overdue"
    if as_of >= due:
        return "due"
    return "due_soon" if as_of >= soon.before(due) else "fresh"


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES, ids=PAGES)
def test_page_front_matter_is_complete_after_inheritance(path: str) -> None:
    meta, _ = effective(path)
    assert isinstance(meta.get("title"), str) and meta["title"].strip(), f"{path}: no title"
    assert meta.get("type", "article") in TYPES, f"{path}: unknown type {meta.get('type')!r}"
    assert meta.get("status", "published") in STATUSES, f"{path}: bad status {meta.get('status')!r}"
    assert isinstance(meta.get("reviewed"), date), f"{path}: reviewed is not a YYYY-MM-DD date"
    assert meta["reviewed"] <= TODAY, f"{path}: reviewed lies in the future"
    if "review_every" in meta:
        parse_interval(meta["review_every"])
    people = [meta.get("owner"), meta.get("reviewed_by"), *meta.get("coauthors", [])]
    for handle in filter(None, people):
        assert HANDLE.match(handle), f"{path}: {handle!r} is not a GitHub handle"


@pytest.mark.parametrize("path", PAGES, ids=PAGES)
def test_every_page_has_an_owner_without_the_fallback(path: str) -> None:
    owner, coauthors, source = resolve_owner(path)
    assert HANDLE.match(owner), f"{path}: nobody owns this page (would fall back)"
    assert source and all(HANDLE.match(c) for c in coauthors), (path, source, coauthors)


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
    assert freshness(path, TODAY) == EXPECTED_STATE.get(path, "fresh")


def test_starter_has_a_wanted_stub_and_a_quiz() -> None:
    statuses = {path: effective(path)[0].get("status") for path in PAGES}
    types = {path: effective(path)[0].get("type") for path in PAGES}
    assert [p for p, s in statuses.items() if s == "wanted"] == [
        "content/operations/receiving-deliveries.md"
    ]
    assert "quiz" in types.values() and "story" in types.values()


# --- templates ------------------------------------------------------------------------------


def fill(template: str) -> str:
    """Fill the tokens as kennis new does: the title goes inside the template's double quotes."""
    text = template.replace("{{title}}", 'Opening \\"early\\" shift')
    return text.replace("{{owner}}", "@maria-lopez").replace("{{reviewed}}", TODAY.isoformat())


@pytest.mark.parametrize("kind", TYPES)
def test_every_type_has_a_template_with_the_three_tokens(kind: str) -> None:
    template = (TEMPLATES / f"{kind}.md").read_text("utf-8")
    head = template.split("\n---", 1)[0]
    for token in TOKENS:
        assert token in head, f"{kind}.md: {token} missing from the front matter"
    assert 'title: "{{title}}"' in head and re.search(r'(?m)^owner: "{{owner}}"', head)
    meta = front_matter(fill(template), f"{kind}.md")
    assert meta["title"] == 'Opening "early" shift'
    assert meta["type"] == kind
    assert meta["status"] == "draft"
    assert meta["owner"] == "@maria-lopez" and meta["reviewed"] == TODAY
    assert "<!--" in template, f"{kind}.md has no guidance for the author"


def test_quiz_template_uses_mkdocs_quiz_syntax() -> None:
    template = (TEMPLATES / "quiz.md").read_text("utf-8")
    meta = front_matter(fill(template), "quiz.md")
    assert meta["quiz"] == {"enabled": True}
    blocks = re.findall(r"<quiz>\n(.*?)\n</quiz>", template, re.DOTALL)
    assert len(blocks) >= 2
    assert any(
        re.search(r"^- \[x\] ", b, re.M) and re.search(r"^- \[ \] ", b, re.M) for b in blocks
    )
    assert any("[[" in b for b in blocks), "no fill-in-the-blank example"


# --- config ---------------------------------------------------------------------------------


def test_kennis_config_has_the_documented_keys_and_values() -> None:
    cfg = config()
    assert cfg["content_dir"] == "content" and (REPO / cfg["content_dir"]).is_dir()
    assert parse_interval(cfg["review_every"]) == Interval(12, "months")
    assert parse_interval(cfg["due_soon"]) == Interval(30, "days")
    assert cfg["max_reviewers"] == 4
    assert cfg["fallback_owner"] == "@acme/knowledge-team"
    assert cfg["site_url"].startswith("https://")
    raw = (REPO / ".github" / "kennis.yml").read_text("utf-8")
    for key in cfg:  # every key is explained by a comment right above it
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
    assert missing == ["operations/kitchen/fire-safety.md"]


def test_quiz_page_renders_interactive_questions(starter_site: tuple[Path, str]) -> None:
    site, _ = starter_site
    quiz = (site / "sharing" / "check-yourself" / "index.html").read_text("utf-8")
    assert len(re.findall(r'<div class="quiz[" ]', quiz)) == 5
    assert "<quiz>" not in quiz.replace("mkdocs-quiz-source\n<quiz>", "")
    assert "quiz-progress-sidebar" not in (site / "glossary" / "index.html").read_text("utf-8")


def test_every_template_builds_into_a_strict_site(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("---\ntitle: Templates\n---\n", "utf-8")
    for kind in TYPES:
        text = fill((TEMPLATES / f"{kind}.md").read_text("utf-8"))
        (docs / f"{kind}.md").write_text(text, "utf-8")
    child = tmp_path / "mkdocs.yml"
    child.write_text(f"INHERIT: {REPO / 'mkdocs.yml'}\ndocs_dir: docs\n", "utf-8")
    result = mkdocs_build(child, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    quiz = (tmp_path / "site" / "quiz" / "index.html").read_text("utf-8")
    assert 'data-quiz-type="fill-blank"' in quiz and 'id="quiz-1"' in quiz
    sop = (tmp_path / "site" / "sop" / "index.html").read_text("utf-8")
    heading = re.search(r"<h1[^>]*>([^<]*)", sop)
    assert heading and html.unescape(heading.group(1)).strip() == 'Opening "early" shift'
