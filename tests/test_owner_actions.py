"""Owner commands parsed and turned into surgical front-matter edits (every other byte kept)."""

from __future__ import annotations

from datetime import date

import pytest

from kennis.errors import KennisError
from kennis.frontmatter_edit import FrontMatterEdit, edit_front_matter
from kennis.kb import load_kb
from kennis.owner_actions import parse_commands, plan_edit
from kennis.tree import MemoryTree

ON = date(2026, 3, 1)
PAGE = (
    "---\n"
    "title: 'Closing'   # keep me\n"
    'owner: "@alice"\n'
    "coauthors:\n"
    '  - "@bob"\n'
    "  - '@carol'\n"
    "review_every: 6 months\n"
    "---\n"
    "# Closing\n"
)


def _page(text: str = PAGE):
    kb = load_kb(MemoryTree({"content/a.md": text.encode()}))
    return kb.pages["content/a.md"]


def _apply(body: str, text: str = PAGE) -> str:
    [command] = parse_commands(body)
    edit = plan_edit(command, _page(text), ON)
    assert not isinstance(edit, str), edit
    return edit_front_matter(text.encode(), "content/a.md", edit).decode()


@pytest.mark.parametrize(
    ("body", "added", "removed"),
    [
        ("/archive content/a.md", ["status: archived", "archived: 2026-03-01"], []),
        ("/snooze content/a.md 2 weeks", ["snoozed_until: 2026-03-15"], []),
        ("/handover content/a.md @dave", ['owner: "@dave"', '  - "@alice"'], ['owner: "@alice"']),
        ("/handover content/a.md @dave --drop", ['owner: "@dave"'], ['owner: "@alice"']),
        (
            "/handover content/a.md @carol --drop",
            ['owner: "@carol"'],
            ['owner: "@alice"', "  - '@carol'"],
        ),
    ],
    ids=["archive", "snooze", "handover", "handover-drop", "handover-to-coauthor"],
)
def test_each_command_changes_only_its_lines(
    body: str, added: list[str], removed: list[str]
) -> None:
    before, after = PAGE.splitlines(), _apply(body).splitlines()
    assert [line for line in after if line not in before] == added
    assert [line for line in before if line not in after] == removed


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("/snooze content/a.md 1 year", "at most its review interval (6 months)"),
        ("/handover content/a.md @alice", "already owns"),
    ],
    ids=["snooze-too-long", "handover-to-self"],
)
def test_refused_edits_say_why(body: str, why: str) -> None:
    [command] = parse_commands(body)
    result = plan_edit(command, _page(), ON)
    assert isinstance(result, str) and why in result


@pytest.mark.parametrize(
    "body",
    [
        "/archive",
        "/handover content/a.md",
        "/handover content/a.md @a @b",
        "/snooze content/a.md soon",
    ],
    ids=["no-page", "no-owner", "two-owners", "no-interval"],
)
def test_unreadable_commands_carry_their_usage(body: str) -> None:
    [command] = parse_commands(body)
    assert command.error and "`/" in command.error


def test_a_flow_mapping_front_matter_is_refused_not_rewritten() -> None:
    with pytest.raises(KennisError, match="one"):
        edit_front_matter(
            b"---\n{owner: '@a'}\n---\n", "a.md", FrontMatterEdit({"status": ("archived", False)})
        )
