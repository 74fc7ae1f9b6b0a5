""" "Write a new … here" buttons in a real build: section indexes, wanted stubs, Wanted pages."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from kennis.page import TYPES
from tests.sitekit import PAGES, REPO_URL, Built, build, make_kb, page

EXTRA = {
    "content/kitchen/index.md": page("The kitchen", owner='"@acme/kitchen-leads"'),
    "content/kitchen/fire.md": page("Fire drill", owner='"@bob"', status="wanted"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("kb") / "repo"
    make_kb(root, {**PAGES, **EXTRA})
    built = build(root)
    assert built.returncode == 0, built.output
    return built


def buttons(html: str) -> dict[str, str]:
    found = re.findall(
        r'<a class="md-button kennis-write-button" href="([^"]+)"[^>]*>([^<]+)</a>', html
    )
    return {label: href.replace("&amp;", "&") for href, label in found}


def test_every_section_index_has_one_button_per_type(site: Built) -> None:
    for url, folder in (("", "content"), ("kitchen/", "content/kitchen")):
        links = buttons(site.html(url))
        assert len(links) == len(TYPES)
        href = urlsplit(links["Write a new checklist here"])
        assert f"{href.scheme}://{href.netloc}{href.path}" == f"{REPO_URL}/new/main/{folder}"
    assert "fork" in site.html("kitchen/")


def test_a_wanted_stub_offers_a_page_next_to_it_with_its_title(site: Built) -> None:
    links = buttons(site.html("kitchen/fire/"))
    query = parse_qs(urlsplit(links["Write a new how-to guide here"]).query)
    assert query["filename"] == ["fire-how-to.md"]
    assert 'title: "Fire drill"' in query["value"][0]


def test_the_wanted_pages_page_offers_each_missing_page_under_its_own_name(site: Built) -> None:
    html = site.html("knowledge/wanted/")
    item = re.search(r'<li data-missing="kitchen/fire-drill.md">.*?</li>', html, re.S)
    assert item, "the missing page is not listed"
    query = parse_qs(urlsplit(buttons(item.group(0))["Write a new checklist here"]).query)
    assert query["filename"] == ["fire-drill.md"]
    assert 'title: "Fire drill"' in query["value"][0]


def test_an_ordinary_page_has_no_buttons(site: Built) -> None:
    assert buttons(site.html("kitchen/closing/")) == {}
