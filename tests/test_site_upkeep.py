"""Upkeep on the site (real git, real mkdocs build): archived pages, bot confirmations, one person
one entry, credit on the Contributors page, and the kennis check warnings that go with them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from kennis.kb import load_kb
from kennis.scan import plan_scan
from kennis.status import assess_pages
from kennis.tree import WorkTree
from tests.sitekit import PAGES, Built, build, make_kb, page

ARCHIVED = page(
    "Old fryer manual",
    owner='"@bob"',
    reviewed="2020-01-01",
    status="archived",
    archived="2026-02-01",
)
LINKING = page("Fryer", body="See [the old manual](old-fryer.md).\n", owner='"@bob"')
BOT = "kennis-bot <kennis-bot@users.noreply.github.com>"
FRIDGE = "content/kitchen/fridge.md"


def _kb(root: Path) -> None:
    pages = {
        **PAGES,
        "content/kitchen/old-fryer.md": ARCHIVED,
        "content/kitchen/fryer.md": LINKING,
    }
    make_kb(root, pages)


def _search(built: Built) -> list[str]:
    index = json.loads((built.site / "search" / "search_index.json").read_text("utf-8"))
    return [doc["location"] for doc in index["docs"]]


def _kennis(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kennis", *args], cwd=root, capture_output=True, text=True
    )


def test_an_archived_page_is_out_of_nav_search_stale_and_scan_but_reachable_with_its_banner(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    _kb(root)
    built = build(root, strict=False)
    assert built.returncode == 0, built.output
    html = built.html("kitchen/old-fryer/")
    assert 'data-kennis-banner="archived"' in html and "Archived — kept for history" in html
    assert "Old fryer manual" not in built.html("kitchen/closing/")  # not in the navigation
    assert not any(loc.startswith("kitchen/old-fryer/") for loc in _search(built))
    stale = _kennis(root, "stale", "--as-of", "2026-06-01", "--format", "json")
    assert "old-fryer" not in stale.stdout and "fridge.md" in stale.stdout
    kb = load_kb(WorkTree(root))
    statuses = assess_pages(kb, None, date(2026, 6, 1))
    plan = plan_scan(statuses, [], as_of=date(2026, 6, 1))
    listed = [e.path for entries in plan.owners.values() for e in entries]
    assert FRIDGE in listed and "content/kitchen/old-fryer.md" not in listed
    check = _kennis(root, "check")
    assert re.search(
        r"content/kitchen/fryer\.md:\d+:\d+: warning: links to content/kitchen/old-fryer\.md, "
        r"which is archived",
        check.stdout + check.stderr,
    )


def _last_edited(html: str) -> str:
    found = re.search(r'kennis-edited"><dt>Last edited</dt><dd><time datetime="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _contributors(html: str) -> str:
    found = re.search(r'<div class="kennis-contributors">.*?</div>', html, re.S)
    return found.group(0) if found else ""


def _row(html: str, who: str) -> dict[str, str]:
    row = re.search(rf'<tr data-contributor="{who}">(.*?)</tr>', html, re.S)
    assert row is not None, who
    return dict(re.findall(r'data-count="([a-z-]+)">(\d+)', row.group(1)))


def test_a_merged_bot_confirmation_credits_the_confirmer_and_changes_no_edit_date(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    repo = make_kb(root)
    before = build(root)
    assert before.returncode == 0, before.output
    old, old_board = before.html("kitchen/fridge/"), before.html("knowledge/contributors/")
    text = (root / FRIDGE).read_text().replace("reviewed: 2025-04-01", "reviewed: 2026-05-30")
    repo.write(FRIDGE, text.replace("---\n\n", 'reviewed_by: "@bob"\n---\n\n', 1))
    repo.commit(
        "Confirm content/kitchen/fridge.md still accurate",
        author=BOT,
        date="2026-05-30T08:00:00+00:00",
        trailers=["Confirmed-by: bob <bob@users.noreply.github.com>"],
    )
    after = build(root)
    assert after.returncode == 0, after.output
    new = after.html("kitchen/fridge/")
    assert _last_edited(new) == _last_edited(old) == "2026-05-20"
    assert _contributors(new) == _contributors(old)
    board = after.html("knowledge/contributors/")
    assert "kennis-bot" not in board and "kennis-bot" not in new
    assert int(_row(board, "Bob Builder")["confirmed"]) == 1
    assert int(_row(old_board, "Bob Builder")["confirmed"]) == 0


def test_one_person_one_entry_latest_editor_first_and_check_strict_names_mailmap_pairs(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    repo = make_kb(root)
    repo.append(FRIDGE, "\nAlso the freezer.\n")
    repo.commit("Freezer", author="Böb Builder <bob@users.noreply.github.com>")
    repo.append(FRIDGE, "\nLabel everything.\n")
    repo.commit("Labels", author="Alice Example <alice@work.example>")
    built = build(root)
    assert built.returncode == 0, built.output
    people = _contributors(built.html("kitchen/fridge/"))
    names = re.findall(r'class="kennis-person"[^>]*>([^<]+)<', people)
    assert names[0] == "Alice Example"  # the latest editor first
    assert len([n for n in names if "b Builder" in n]) == 1  # Bob and Böb, one GitHub login
    board = built.html("knowledge/contributors/")
    assert (
        board.count('data-contributor="Bob Builder"')
        + board.count('data-contributor="Böb Builder"')
        == 1
    )
    strict = _kennis(root, "check", "--strict")
    assert (
        'warning: "Alice Example" commits with 2 e-mail addresses' in strict.stdout + strict.stderr
    )
    assert strict.returncode == 1


def test_the_health_page_shows_owners_gone_quiet_or_gone_and_sections_one_person_wrote(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    pages = {
        "content/index.md": page("Welcome", owner='"@alice"', reviewed="2026-03-01"),
        "content/bar/a.md": page("Bar A", owner='"@bob"', reviewed="2026-03-01"),
        "content/bar/b.md": page("Bar B", owner='"@bob"', reviewed="2026-03-01"),
        "content/hr/c.md": page("HR C", owner='"@gone"', reviewed="2026-03-01"),
        "content/ops/x.md": page("Ops X", owner='"@alice"', reviewed="2026-03-01"),
        "content/ops/y.md": page("Ops Y", owner='"@alice"', reviewed="2026-03-01"),
    }
    repo = make_kb(root, pages)
    repo.append("content/bar/a.md", "More.\n")
    repo.commit(
        "Bar", author="Bob <bob@users.noreply.github.com>", date="2024-06-01T10:00:00+00:00"
    )
    repo.append("content/index.md", "More.\n")
    repo.commit(
        "Home", author="Alice <alice@users.noreply.github.com>", date="2026-05-01T10:00:00+00:00"
    )
    repo.write("members.txt", "alice\nbob\n")
    repo.write(
        "mkdocs.yml",
        (root / "mkdocs.yml")
        .read_text()
        .replace("  - kennis/health: {}", "  - kennis/health:\n      members: members.txt"),
    )
    repo.commit("Members")
    built = build(root)
    assert built.returncode == 0, built.output
    html = built.html("knowledge/health/")
    risks = dict(
        re.findall(r'<li data-path="([^"]+)" data-risk="owner">.*?</a>(.*?)</li>', html, re.S)
    )
    assert "no longer a member" in risks["content/hr/c.md"]
    assert "has not contributed since 2024-06-01" in risks["content/bar/a.md"]
    assert "content/index.md" not in risks and "content/ops/x.md" not in risks
    lone = re.findall(r'data-section="([^"]+)" data-risk="one-writer">([^<]*)<', html)
    assert lone == [("ops", "Ops: all 2 pages by Alice Example")]  # bar has two writers


def test_reviews_given_on_knowledge_prs_count_on_the_contributors_page(tmp_path: Path) -> None:
    from kennis.reviews import reviews_json

    root = tmp_path / "repo"
    repo = make_kb(root)
    rows = [
        {"login": "bob", "pull": 3, "state": "approved", "submitted_at": "2026-05-02T10:00:00Z"},
        {"login": "bob", "pull": 4, "state": "commented", "submitted_at": "2026-05-03T10:00:00Z"},
        {"login": "bob", "pull": 4, "state": "approved", "submitted_at": "2026-05-04T10:00:00Z"},
        {"login": "carol", "pull": 4, "state": "approved", "submitted_at": "2026-05-04T11:00:00Z"},
    ]
    repo.write("reviews.json", reviews_json(rows))
    yml = (root / "mkdocs.yml").read_text()
    repo.write(
        "mkdocs.yml",
        yml.replace(
            "  - kennis/contributors: {}", "  - kennis/contributors:\n      reviews: reviews.json"
        ),
    )
    repo.commit("Reviews")
    built = build(root)
    assert built.returncode == 0, built.output
    board = built.html("knowledge/contributors/")
    assert _row(board, "Bob Builder")["reviews"] == "2"  # the same person as the login bob
    assert _row(board, "carol")["reviews"] == "1"  # a reviewer who wrote nothing is credited


def test_feedback_resolved_counts_on_the_contributors_page_with_a_milestone(
    tmp_path: Path,
) -> None:
    from kennis.reviews import reviews_json

    root = tmp_path / "repo"
    repo = make_kb(root)
    resolved = [
        {"login": "bob", "issue": 7, "page": FRIDGE, "resolved_at": "2026-05-02T10:00:00Z"},
        {"login": "carol", "issue": 8, "page": FRIDGE, "resolved_at": "2026-05-03T10:00:00Z"},
        {"login": "carol", "issue": 9, "page": FRIDGE, "resolved_at": "2026-05-04T10:00:00Z"},
    ]
    repo.write("credit.json", reviews_json([], resolved))
    yml = (root / "mkdocs.yml").read_text()
    repo.write(
        "mkdocs.yml",
        yml.replace(
            "  - kennis/contributors: {}",
            "  - kennis/contributors:\n      reviews: credit.json\n      upkeep_milestones: [1, 2]",
        ),
    )
    repo.commit("Credit")
    built = build(root)
    assert built.returncode == 0, built.output
    board = built.html("knowledge/contributors/")
    assert _row(board, "Bob Builder")["feedback"] == "1"  # the same person as the login bob
    assert _row(board, "carol")["feedback"] == "2"  # credited though they wrote nothing
    assert _row(board, "Alice Example")["feedback"] == "0"
    levels = dict(re.findall(r'<li data-feedback-milestone="(\d+)">(.*?)</li>', board, re.S))
    assert "2 reader reports resolved" in levels["2"] and "carol" in levels["2"]
    assert "1 reader report resolved" in levels["1"] and "Bob Builder" in levels["1"]
    assert "carol" not in levels["1"]  # each person at their highest level only


def test_a_snoozed_page_leaves_the_scan_until_then_but_the_site_still_shows_it_due(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    snoozed = PAGES[FRIDGE].replace(
        "reviewed: 2025-04-01", "reviewed: 2025-04-01\nsnoozed_until: 2026-07-01"
    )
    make_kb(root, {**PAGES, FRIDGE: snoozed})
    built = build(root)
    assert built.returncode == 0, built.output
    assert 'data-kennis-banner="due"' in built.html("kitchen/fridge/")
    statuses = assess_pages(load_kb(WorkTree(root)), None, date(2026, 6, 1))
    listed = [
        e.path
        for as_of in (date(2026, 6, 1), date(2026, 7, 1))
        for entries in plan_scan(statuses, [], as_of=as_of).owners.values()
        for e in entries
    ]
    assert listed.count(FRIDGE) == 1  # not on 1 June, back on 1 July


def test_a_page_written_for_a_request_credits_its_first_author(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    asked = page("Allergens", owner='"@alice"', requested_in="https://github.com/acme/kb/issues/9")
    make_kb(root, {**PAGES, "content/kitchen/allergens.md": asked})
    built = build(root)
    assert built.returncode == 0, built.output
    board = built.html("knowledge/contributors/")
    assert _row(board, "Alice Example")["requests"] == "1"
    assert _row(board, "Bob Builder")["requests"] == "0"
