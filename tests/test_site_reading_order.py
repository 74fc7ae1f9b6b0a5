"""Reading order and section titles in a real build: the section's index page decides."""

from __future__ import annotations

import re

import pytest

from tests.sitekit import Built, build, make_kb, page

PAGES = {
    "content/index.md": page(
        "Home",
        body="Start with [sharing](sharing/index.md), then [the kitchen](kitchen/b-close.md).\n",
        owner='"@alice"',
    ),
    "content/kitchen/a-open.md": page("Opening", owner='"@bob"'),
    "content/kitchen/b-close.md": page("Closing", owner='"@bob"'),
    "content/sharing/index.md": page(
        "How we share knowledge",
        body="1. [Roles](roles.md)\n2. [Review](review.md)\n3. [After merge](after-merge.md)\n",
        owner='"@alice"',
    ),
    "content/sharing/after-merge.md": page("After your change is accepted", owner='"@alice"'),
    "content/sharing/review.md": page("How review works", owner='"@alice"'),
    "content/sharing/roles.md": page("Owners and co-authors", owner='"@alice"'),
    "content/sharing/extra.md": page("Extra", owner='"@alice"'),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("kb") / "repo"
    make_kb(root, PAGES)
    built = build(root)
    assert built.returncode == 0, built.output
    return built


def test_top_level_sections_follow_the_home_page_and_show_section_titles(site: Built) -> None:
    html = site.html("")
    nav = html[html.index("md-nav--primary") :]
    labels = [
        t.strip() for t in re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', nav, re.S)
    ]
    assert "sharing" not in [label.lower() for label in labels]  # the title, not the folder
    assert labels.index("How we share knowledge") < labels.index("Kitchen")


def test_a_section_reads_in_the_order_its_index_links_then_the_rest(site: Built) -> None:
    html = site.html("sharing/")
    nav = html[html.index("md-nav--primary") :]
    order = re.findall(r'href="(roles|review|after-merge|extra)/"', nav)
    assert order[:4] == ["roles", "review", "after-merge", "extra"]
    assert '<link rel="next" href="roles/">' in html  # previous/next follow it too


def test_a_section_without_an_index_keeps_its_folder_name_and_order(site: Built) -> None:
    html = site.html("kitchen/a-open/")
    assert '<link rel="next" href="../b-close/">' in html
