"""Handle keys: one rule for comparing GitHub logins and teams, whoever wrote them and how."""

from __future__ import annotations

import pytest

from kennis.handles import handle_key, login_of, parse_handle

KEYS = {  # id: (as written somewhere, its key)
    "api-login": ("Alice", "@alice"),
    "front-matter-handle": ("@Alice", "@alice"),
    "team-from-api": ("Acme/Kitchen-Leads", "@acme/kitchen-leads"),
    "team-handle": ("@acme/Kitchen-Leads", "@acme/kitchen-leads"),
    "issue-marker-with-spaces": (" @BOB ", "@bob"),
    "bot-login": ("kennis-bot[bot]", "@kennis-bot[bot]"),
}


@pytest.mark.parametrize(("written", "key"), list(KEYS.values()), ids=list(KEYS))
def test_handle_key(written: str, key: str) -> None:
    assert handle_key(written) == key


def test_parsed_handles_and_api_logins_share_the_key() -> None:
    assert parse_handle("@Alice").key == login_of("ALICE").key == handle_key("alice")
    assert parse_handle("@Acme/Ops").key == handle_key("acme/OPS")
