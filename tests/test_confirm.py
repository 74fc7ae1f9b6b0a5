"""Who may confirm a page, ``/verify`` commands, and the PR comment's confirm boxes."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from kennis.confirm import (
    SECTION_MARKER,
    branch_slug,
    confirm_command,
    confirm_ticks,
    may_confirm,
    refusal,
    render_confirm_section,
)
from kennis.kb import load_kb
from kennis.status import assess_pages
from kennis.tree import MemoryTree
from tests.kbfiles import page

FILES = {
    ".github/kennis.yml": b"review_every: 6 months\n",
    "content/a.md": page(
        owner='"@alice"', coauthors='["@bob", "@acme/ops"]', reviewed="2025-01-10"
    ).encode(),
    "content/b.md": page(owner='"@carol"', reviewed="2025-08-01").encode(),
    "content/c.md": page(owner='"@carol"', reviewed="2026-02-01").encode(),
}
KB = load_kb(MemoryTree(FILES))


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        ("/verify content/a.md", ["content/a.md"]),
        ("/verify `content/a.md` content/b.md", ["content/a.md", "content/b.md"]),
        ("Looks right.\n/verify", []),
        ("please /verify this", None),  # only at the start of a line
        ("/verifyall", None),
        ("", None),
    ],
    ids=["one", "two-backticked", "bare", "mid-line", "other-word", "empty"],
)
def test_verify_commands(body, paths):
    assert confirm_command(body) == paths


@pytest.mark.parametrize(
    ("login", "teams", "allowed"),
    [
        ("alice", set(), True),
        ("ALICE", set(), True),
        ("bob", set(), True),
        ("olivia", {"@acme/ops"}, True),
        ("mallory", set(), False),
        ("mallory", {"@acme/other"}, False),
    ],
    ids=["owner", "owner-any-case", "coauthor", "team-member", "stranger", "other-team"],
)
def test_only_owner_and_coauthors_may_confirm(login, teams, allowed):
    assert may_confirm(KB.pages["content/a.md"], login, teams) is allowed


def test_the_refusal_names_who_can_confirm():
    text = refusal("mallory", [KB.pages["content/a.md"]], ["content/nope.md"])
    assert text.startswith("@mallory, thanks for checking!")
    assert "- `content/a.md`: @alice, @bob, @acme/ops" in text
    assert "- `content/nope.md`: not a page of this knowledge base" in text


def test_the_refusal_shows_hostile_arguments_as_code_that_pings_nobody():
    text = refusal("mallory", [], ["a`@acme/kitchen-leads`b", "#1\n@bob"])
    assert "- `` a`@acme/kitchen-leads`b ``: not a page" in text
    assert "- `#1\\n@bob`: not a page" in text
    assert "Only a page's owner" not in text  # nothing was refused, there was nothing to do


def test_a_new_page_is_said_to_need_no_confirmation():
    text = refusal("alice", [], [], ["content/new.md"])
    assert text.startswith("@alice, there is nothing to confirm here:")
    assert "- `content/new.md`: new in this pull request; new pages need no confirmation" in text


def test_a_box_for_a_path_that_would_close_the_hidden_marker_maps_back_whole():
    statuses = assess_pages(KB, None, date(2026, 3, 1))
    [status] = [s for s in statuses if s.page.path == "content/a.md"]
    odd = dataclasses.replace(
        status, page=dataclasses.replace(status.page, path="content/a -->x.md")
    )
    section = render_confirm_section([odd])
    assert "<!-- kennis:confirm path=content/a%20--%3Ex.md -->" in section  # cannot close early
    assert confirm_ticks(section, section.replace("- [ ]", "- [x]")) == ["content/a -->x.md"]


def test_the_pr_section_asks_only_about_due_and_overdue_pages_and_maps_ticks_back():
    statuses = assess_pages(KB, None, date(2026, 3, 1))
    section = render_confirm_section(statuses)
    boxes = [line for line in section.splitlines() if line.startswith("- [ ]")]
    assert section.startswith(SECTION_MARKER)
    assert [b.split("`")[1] for b in boxes] == ["content/a.md", "content/b.md"]  # not c (fresh)
    assert "confirm: @alice @bob @acme/ops" in boxes[0]
    ticked = section.replace("- [ ] `content/b.md`", "- [x] `content/b.md`")
    assert confirm_ticks(section, ticked) == ["content/b.md"]
    assert confirm_ticks(ticked, ticked) == []
    assert render_confirm_section([s for s in statuses if s.page.path == "content/c.md"]) == ""


@pytest.mark.parametrize(
    ("handle", "slug"),
    [("@alice", "alice"), ("@Acme/Kitchen.Leads", "acme-kitchen-leads")],
    ids=["user", "team"],
)
def test_branch_slugs(handle, slug):
    assert branch_slug(handle) == slug


def test_a_ticked_confirm_all_box_confirms_every_page_of_the_comment() -> None:
    from kennis.confirm import CONFIRM_ALL, confirm_ticks

    old = (
        "- [ ] `a.md` <!-- kennis:confirm path=content/a.md -->\n"
        "- [x] `b.md` <!-- kennis:confirm path=content/b.md -->\n"
        f"- [ ] **Confirm all** the pages above {CONFIRM_ALL}\n"
    )
    new = old.replace("- [ ] **Confirm all**", "- [x] **Confirm all**")
    assert confirm_ticks(old, new) == ["content/a.md", "content/b.md"]
    assert confirm_ticks(old, old.replace("- [ ] `a.md`", "- [x] `a.md`")) == ["content/a.md"]
