"""The freshness scan's plan: who gets an issue listing what, and which writes that takes."""

from __future__ import annotations

from datetime import date

import pytest

from kennis.due_issue import LABEL, ExistingIssue, parse_issue, ticked
from kennis.handles import parse_handle
from kennis.kb import load_kb
from kennis.scan import IssueAction, ScanPlan, folder_owners, plan_scan
from kennis.status import assess_pages
from kennis.tree import MemoryTree
from kennis.urls import page_url
from tests.kbfiles import page

AS_OF = date(2026, 3, 1)
CONFIG = b"review_every: 6 months\ndue_soon: 30 days\nsite_url: https://kb.example.com/\n"

# review_every 6 months, as of 2026-03-01: reviewed 2025-09-20 -> due 2026-03-20 (due soon);
# 2025-08-01 -> due 2026-02-01 (due, 28 days); 2025-01-10 -> due 2025-07-10 (overdue, 234 days).
PAGES = {
    "content/fresh.md": page(title="Fresh", owner='"@alice"', reviewed="2026-01-01"),
    "content/soon.md": page(title="Soon", owner='"@alice"', reviewed="2025-09-20"),
    "content/due.md": page(title="Due", owner='"@alice"', reviewed="2025-08-01"),
    "content/old.md": page(
        title="Old", owner='"@alice"', reviewed="2025-01-10", coauthors='["@bob"]'
    ),
    "content/ever.md": page(
        title="Ever", owner='"@carol"', reviewed="2020-01-01", review_every="never"
    ),
    "content/team/ops.md": page(title="Ops", reviewed="2025-08-01"),
    "content/team/.meta.yml": 'owner: "@acme/ops"\n',
    "content/gone.md": page(
        title="Gone", owner='"@dave"', coauthors='["@erin"]', reviewed="2025-08-01"
    ),
}


def statuses(pages: dict[str, str] = PAGES, config: bytes = CONFIG):
    files = {".github/kennis.yml": config, **{k: v.encode() for k, v in pages.items()}}
    kb = load_kb(MemoryTree(files))
    assert not kb.errors, kb.errors
    return kb, assess_pages(kb, None, AS_OF)


def plan(existing=(), as_of=AS_OF, inactive=(), pages=PAGES, fallback="@acme/kb") -> ScanPlan:
    kb, found = statuses(pages)
    return plan_scan(
        found,
        list(existing),
        as_of=as_of,
        site_url=kb.config.site_url,
        content_dir=kb.config.content_dir,
        fallback_owner=parse_handle(fallback),
        folder=folder_owners(kb),
        inactive=inactive,
    )


def as_existing(action: IssueAction, number: int, body: str | None = None) -> ExistingIssue:
    found = parse_issue(number, action.title, body or action.body, action.assignees)
    assert found is not None
    return found


def listing(result: ScanPlan) -> dict[str, list[str]]:
    return {owner: [e.path for e in entries] for owner, entries in result.owners.items()}


def test_first_scan_creates_one_issue_per_owner_with_their_due_pages_most_overdue_first():
    result = plan()
    assert listing(result) == {
        "@alice": ["content/old.md", "content/due.md", "content/soon.md"],
        "@acme/ops": ["content/team/ops.md"],
        "@dave": ["content/gone.md"],
    }
    kinds = {(a.kind, a.owner, a.assignees) for a in result.actions}
    assert kinds == {
        ("create", "@alice", ("alice",)),
        ("create", "@acme/ops", ()),  # a team is mentioned, not assigned
        ("create", "@dave", ("dave",)),
    }
    alice = next(a for a in result.actions if a.owner == "@alice")
    lines = [line for line in alice.body.splitlines() if line.startswith("- [")]
    assert lines == [
        "- [ ] [Old](https://kb.example.com/old/) — `content/old.md` — due 2025-07-10 "
        "(234 days overdue)",
        "- [ ] [Due](https://kb.example.com/due/) — `content/due.md` — due 2026-02-01 "
        "(28 days overdue)",
        "- [ ] [Soon](https://kb.example.com/soon/) — `content/soon.md` — due 2026-03-20 "
        "(due soon)",
    ]
    assert alice.body.startswith("<!-- kennis:review-due owner=@alice -->\n@alice, ")
    team = next(a for a in result.actions if a.owner == "@acme/ops")
    assert "@acme/ops, these pages" in team.body


def test_a_second_scan_with_nothing_changed_plans_no_writes():
    first = plan()
    existing = [as_existing(a, n) for n, a in enumerate(first.actions, start=1)]
    assert plan(existing).actions == []


def test_a_later_day_does_not_rewrite_day_counts_alone():
    first = plan(as_of=date(2026, 2, 10), pages={"content/due.md": PAGES["content/due.md"]})
    existing = [as_existing(a, 1) for a in first.actions]
    later = plan(
        existing, as_of=date(2026, 2, 12), pages={"content/due.md": PAGES["content/due.md"]}
    )
    assert later.actions == []


def test_the_owners_ticks_survive_a_rescan_without_a_write():
    first = plan()
    alice = next(a for a in first.actions if a.owner == "@alice")
    ticked_body = alice.body.replace("- [ ] [Due]", "- [x] [Due]")
    existing = [
        as_existing(a, n, ticked_body if a is alice else None)
        for n, a in enumerate(first.actions, start=1)
    ]
    assert plan(existing).actions == []
    assert ticked(alice.body, ticked_body) == ["content/due.md"]


def test_a_confirmed_page_leaves_the_list_and_an_empty_list_closes_with_thanks():
    first = plan()
    existing = [as_existing(a, n) for n, a in enumerate(first.actions, start=1)]
    pages = dict(PAGES)
    pages["content/gone.md"] = page(title="Gone", owner='"@dave"', reviewed="2026-02-27")
    pages["content/due.md"] = page(title="Due", owner='"@alice"', reviewed="2026-02-27")
    result = plan(existing, pages=pages)
    by_owner = {a.owner: a for a in result.actions}
    assert set(by_owner) == {"@alice", "@dave"}
    assert by_owner["@alice"].kind == "edit"
    assert "content/due.md" not in by_owner["@alice"].body
    assert by_owner["@dave"].kind == "close"
    assert "thank you" in by_owner["@dave"].body
    assert "content/gone.md" not in by_owner["@dave"].body


@pytest.mark.parametrize(
    ("inactive", "fallback", "expected_owner"),
    [
        (["@dave"], "@acme/kb", "@erin"),  # co-author first
        (["@dave", "@erin"], "@acme/kb", "@acme/kb"),  # then the fallback owner
        (["@dave", "@erin", "@acme/kb"], "@acme/kb", "@dave"),  # nobody left: keep asking
    ],
    ids=["to-coauthor", "to-fallback", "nobody-left"],
)
def test_a_page_whose_owner_lost_access_goes_down_the_chain(inactive, fallback, expected_owner):
    result = plan(inactive=inactive, fallback=fallback)
    holders = [
        o
        for o, entries in result.owners.items()
        if any(e.path == "content/gone.md" for e in entries)
    ]
    assert holders == [expected_owner.lower()]
    if expected_owner != "@dave":
        action = next(a for a in result.actions if "content/gone.md" in a.paths)
        assert "escalated from @dave (no longer has access to this repository)" in action.body


def test_team_folder_owner_takes_pages_of_an_inactive_owner_before_the_fallback():
    pages = {
        "content/team/.meta.yml": 'owner: "@acme/ops"\n',
        "content/team/x.md": page(title="X", owner='"@zed"', reviewed="2025-08-01"),
    }
    result = plan(inactive=["@zed"], pages=pages)
    assert listing(result) == {"@acme/ops": ["content/team/x.md"]}


def test_an_owner_who_ignores_an_overdue_page_for_two_scans_loses_it_to_a_coauthor():
    days = [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]
    existing: list[ExistingIssue] = []
    holders = []
    writes = []
    for day in [*days, days[-1]]:
        result = plan(existing, as_of=day)
        writes.append(len(result.actions))
        holders.append(
            next(
                o for o, es in result.owners.items() if any(e.path == "content/old.md" for e in es)
            )
        )
        state = {e.owner_key: e for e in existing}
        for n, action in enumerate(result.actions, start=len(existing) + 1):
            if action.kind == "create":
                state[action.owner.lower()] = as_existing(action, n)
            elif action.kind == "edit":
                state[action.owner.lower()] = as_existing(action, action.number)
        existing = list(state.values())
    assert holders == ["@alice", "@alice", "@bob", "@bob"]
    assert writes[-1] == 0  # a same-day rescan after escalating is quiet
    bob = next(e for e in existing if e.owner == "@bob")
    assert "escalated from @alice (no response for two scans" in bob.body


def test_duplicate_issues_for_one_owner_keep_the_oldest():
    first = plan()
    alice = next(a for a in first.actions if a.owner == "@alice")
    existing = [as_existing(a, n) for n, a in enumerate(first.actions, start=1)]
    existing.append(as_existing(alice, 99))
    result = plan(existing)
    assert [(a.kind, a.number) for a in result.actions] == [("close_duplicate", 99)]


def test_an_issue_without_the_marker_is_not_ours():
    assert parse_issue(5, "Pages", "please review content/a.md") is None


def test_a_hand_edited_data_block_is_read_as_an_empty_list():
    found = parse_issue(
        5, "t", "<!-- kennis:review-due owner=@x -->\n<!-- kennis:review-due-data\n{oops}\n-->"
    )
    assert found is not None and found.pages == ()


@pytest.mark.parametrize(
    ("site", "path", "url"),
    [
        ("https://kb.example.com/", "content/a/b.md", "https://kb.example.com/a/b/"),
        ("https://kb.example.com", "content/a/index.md", "https://kb.example.com/a/"),
        ("https://kb.example.com/", "content/index.md", "https://kb.example.com/"),
        ("https://kb.example.com/", "content/a b.md", "https://kb.example.com/a%20b/"),
        (None, "content/a.md", None),
    ],
    ids=["page", "section-index", "home", "space", "no-site"],
)
def test_page_urls_follow_mkdocs_directory_urls(site, path, url):
    assert page_url(site, "content", path) == url


def test_the_label_is_the_documented_one():
    assert LABEL == "kennis:review-due"


def test_a_very_long_list_is_capped_so_the_issue_body_stays_under_githubs_limit():
    pages = {
        f"content/p{i:03}.md": page(title=f"P{i}", owner='"@alice"', reviewed="2025-01-10")
        for i in range(130)
    }
    (action,) = plan(pages=pages).actions
    assert len([line for line in action.body.splitlines() if line.startswith("- [")]) == 100
    assert "…and 30 more pages" in action.body
    assert len(action.body) < 65_536


def test_pages_reported_outdated_come_first_even_before_they_are_due() -> None:
    kb, found = statuses()
    args = dict(as_of=AS_OF, site_url=kb.config.site_url, content_dir=kb.config.content_dir)
    made = plan_scan(found, [], reported={"content/fresh.md", "content/due.md"}, **args)
    alice = made.owners["@alice"]
    assert [e.path for e in alice][:2] == ["content/due.md", "content/fresh.md"]
    assert [e.reported for e in alice] == [True, True, False, False]
    (create,) = [a for a in made.actions if a.owner == "@alice"]
    assert create.body.index("content/due.md") < create.body.index("content/old.md")
    assert "reported outdated by readers" in create.body
    # Read back, the issue says the same: the next scan with the same reports writes nothing.
    issue = parse_issue(7, create.title, create.body, ["alice"])
    assert issue is not None
    again = plan_scan(found, [issue], reported={"content/fresh.md", "content/due.md"}, **args)
    assert [a for a in again.actions if a.owner == "@alice"] == []
