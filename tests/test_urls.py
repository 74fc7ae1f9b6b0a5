"""Page addresses: the core's rule is MkDocs' own, so the site, the scan and previews agree."""

from __future__ import annotations

import pytest
from mkdocs.structure.files import File

from kennis.urls import page_url, page_url_path, site_page_url

SOURCES = {  # id: page path relative to the docs folder
    "page": "closing.md",
    "nested": "kitchen/night/closing.md",
    "home-index": "index.md",
    "home-readme": "README.md",
    "section-index": "kitchen/index.md",
    "section-readme": "kitchen/README.md",
    "deep-readme": "kitchen/night/README.md",
    "lowercase-readme-is-a-page": "kitchen/readme.md",
    "capital-index-is-a-page": "kitchen/Index.md",
    "non-ascii": "keuken/sluiten ’s avonds.md",
    "accents-and-space": "Café menu.md",
    "non-latin": "知识/入门.md",
    "parenthesis": "a (old).md",
    "hash-question-percent": "a#b?c%d.md",
}


@pytest.mark.parametrize("directory_urls", [True, False], ids=["directory-urls", "file-urls"])
@pytest.mark.parametrize("src_uri", list(SOURCES.values()), ids=list(SOURCES))
def test_page_url_path_is_mkdocs_file_url(src_uri: str, directory_urls: bool) -> None:
    expected = File(src_uri, "/docs", "/site", directory_urls).url
    assert page_url_path(src_uri, directory_urls) == expected


@pytest.mark.parametrize(
    ("site", "url_path", "address"),
    [
        ("https://kb.example.com/", "a/b/", "https://kb.example.com/a/b/"),
        ("https://kb.example.com", "a/b/", "https://kb.example.com/a/b/"),
        ("https://kb.example.com/", "./", "https://kb.example.com/"),
        ("https://example.com/kb", "a.html", "https://example.com/kb/a.html"),
    ],
    ids=["slash", "no-slash", "home-has-no-dot", "site-in-a-folder"],
)
def test_site_page_url_joins_without_doubling_slashes(site: str, url_path: str, address: str):
    assert site_page_url(site, url_path) == address


def test_page_url_takes_a_repository_path_and_the_site_setting() -> None:
    site = "https://kb.example.com/"
    assert page_url(site, "content", "content/kitchen/README.md") == site + "kitchen/"
    assert page_url(site, "content", "content/a.md", False) == site + "a.html"
    assert page_url(site, "", "a/b.md") == site + "a/b/"
    assert page_url(None, "content", "content/a.md") is None
