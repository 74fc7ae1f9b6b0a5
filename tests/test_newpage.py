"""The new-file editor links: the template as the web editor gets it, and the address."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from kennis.frontmatter import parse_page
from kennis.handles import parse_handle
from kennis.newpage import branch_of, filled_template, new_file_url, write_links
from kennis.page import TYPES, Attributed, Source

OWNER = Attributed(parse_handle("@acme/kitchen-leads"), Source("content/kitchen/.meta.yml", 2))


@pytest.mark.parametrize("kind", TYPES)
def test_every_filled_template_is_a_valid_page_without_reviewed(kind):
    text = filled_template(kind, 'Who "owns" the keys?', OWNER)
    front, problems = parse_page(text.encode(), "content/kitchen/x.md")
    assert problems == [] and front is not None
    assert front.data["title"] == 'Who "owns" the keys?'
    assert "reviewed" not in front.data and "owner" not in front.data and "status" not in front.data
    assert "@acme/kitchen-leads (set in content/kitchen/.meta.yml:2)" in text


def test_without_an_owner_the_comment_says_how_to_name_one():
    assert 'add a line owner: "@your-login"' in filled_template("faq", "X", None)


def test_the_address_is_githubs_new_file_editor():
    url = urlsplit(
        new_file_url("https://github.com/acme/kb/", "main", "content/a b", "x.md", "v&w")
    )
    assert url.path == "/acme/kb/new/main/content/a%20b"
    assert parse_qs(url.query) == {"filename": ["x.md"], "value": ["v&w"]}


def test_one_link_per_type_named_for_people():
    links = write_links("https://github.com/acme/kb", "main", "content", None)
    assert [link.kind for link in links] == list(TYPES)
    assert links[TYPES.index("how-to")].label == "Write a new how-to guide here"


@pytest.mark.parametrize(
    ("edit_uri", "branch"),
    [("edit/main/content/", "main"), ("blob/trunk/docs/", "trunk"), ("", "main"), (None, "main")],
)
def test_the_branch_comes_from_edit_uri(edit_uri, branch):
    assert branch_of(edit_uri) == branch
