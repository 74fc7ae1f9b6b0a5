"""Which pages are published, listed, reminded of and counted: one rule for site, CLI and scan."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from kennis.kb import load_kb
from kennis.scan import plan_scan
from kennis.status import assess_pages, most_urgent_first
from kennis.tree import MemoryTree
from kennis.visibility import PREVIEW, PRODUCTION, is_counted, is_listed, is_published
from tests.gitrepo import GitRepo
from tests.kbfiles import page

AS_OF = date(2026, 3, 1)
CONFIG = b"review_every: 6 months\ndue_soon: 30 days\nfallback_owner: '@acme/kb'\n"
# Every page was last reviewed long ago: only the published one may be reminded of.
PAGES = {
    f"content/{status}.md": page(
        title=status.title(), owner='"@alice"', reviewed="2024-01-01", status=status
    )
    for status in ("published", "draft", "wanted", "archived")
}


def kb_of(pages: dict[str, str] = PAGES):
    files = {".github/kennis.yml": CONFIG, **{k: v.encode() for k, v in pages.items()}}
    kb = load_kb(MemoryTree(files))
    assert not kb.errors, kb.errors
    return kb


RULES = [
    # status, published (production), published (preview), listed (production), counted
    ("published", True, True, True, True),
    ("draft", False, True, False, False),
    ("wanted", True, True, True, False),
    ("archived", True, True, False, False),
]


@pytest.mark.parametrize(
    ("status", "prod", "preview", "listed", "counted"), RULES, ids=[r[0] for r in RULES]
)
def test_one_rule_per_status(status, prod, preview, listed, counted):
    page_ = kb_of().pages[f"content/{status}.md"]
    assert is_published(page_, PRODUCTION) is prod
    assert is_published(page_, PREVIEW) is preview
    assert is_listed(page_, PRODUCTION) is listed
    assert is_counted(page_) is counted


def test_only_published_pages_need_review():
    kb = kb_of()
    due = most_urgent_first(assess_pages(kb, None, AS_OF))
    assert [s.page.path for s in due] == ["content/published.md"]


def test_the_review_due_scan_asks_nobody_about_drafts_wanted_or_archived_pages():
    kb = kb_of()
    plan = plan_scan(assess_pages(kb, None, AS_OF), [], as_of=AS_OF)
    listed = [path for action in plan.actions for path in action.paths]
    assert listed == ["content/published.md"]


def test_kennis_stale_lists_no_draft_wanted_or_archived_page(tmp_path):
    repo = GitRepo(tmp_path / "kb")
    repo.write(".github/kennis.yml", CONFIG.decode())
    for path, text in PAGES.items():
        repo.write(path, text)
    repo.commit("Start", date="2024-01-01T09:00:00+00:00")
    result = subprocess.run(
        [sys.executable, "-m", "kennis", "stale", "--as-of", "2026-03-01", "--format", "json"],
        cwd=repo.root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert [p["path"] for p in json.loads(result.stdout)["pages"]] == ["content/published.md"]
