"""The page info's "Report outdated" link: the same pre-filled issue, quoted once per build."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from kennis.i18n import Translator, translator
from kennis.kb import load_kb
from kennis.status import assess_pages
from kennis.tree import MemoryTree
from kennis_mkdocs.pageinfo.view import Labels, _Quoted, report_url
from tests.kbfiles import page

FILES = {
    "content/a.md": page(title="A", owner='"@alice"', coauthors='["@bob", "@acme/ops"]').encode(),
    "content/b.md": page(title="B", owner='"@alice"').encode(),
    "content/c.md": page(title="C").encode(),
}
STATUSES = assess_pages(load_kb(MemoryTree(FILES)), None, date(2026, 3, 1))


def whole_text_quoted(status, title: str, page_url: str | None, tr: Translator) -> str:
    """The link as the text is written: every sentence filled in, then the whole quoted."""
    page = status.page
    lines = [tr._("The page **{title}** (`{path}`) looks outdated.", title=title, path=page.path)]
    if page_url:
        lines.append(tr._("Page: {url}", url=page_url))
    if page.owner:
        people = [page.owner.handle.text, *(a.handle.text for a in page.coauthors)]
        lines.append(tr._("Owner: {owner}, please take a look.", owner=people[0]))
        if len(people) > 1:
            lines.append(tr._("Co-authors: {names}", names=", ".join(people[1:])))
    lines += ["", tr._("What is wrong or missing?"), "", ""]
    title_q = quote(tr._("Outdated: {title}", title=title), safe="")
    body_q = quote("\n".join(lines), safe="")
    return f"https://github.com/acme/kb/issues/new?title={title_q}&body={body_q}&labels=outdated"


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("title", ["Closing the till", "Café: 50% & {more} 🍰"])
@pytest.mark.parametrize("page_url", ["https://kb.acme.example/a/", None])
@pytest.mark.parametrize("index", [0, 1, 2], ids=["owner and co-authors", "owner", "no owner"])
def test_the_link_is_the_whole_text_quoted(
    language: str, title: str, page_url: str | None, index: int
) -> None:
    tr = translator(language)
    status = STATUSES[index]
    url = report_url(status, title, page_url, "https://github.com/acme/kb", "outdated", Labels(tr))
    assert url == whole_text_quoted(status, title, page_url, tr)
    query = parse_qs(urlsplit(url).query)
    assert query["title"] == [tr._("Outdated: {title}", title=title)]
    assert title in query["body"][0] and status.page.path in query["body"][0]


def test_a_translation_that_formats_its_value_is_filled_then_quoted() -> None:
    assert _Quoted("{title!r} ({title:>3})")(title="é") == quote("'é' (  é)", safe="")
    assert _Quoted("{{literal}} {title}")(title="a b") == quote("{literal} a b", safe="")


def test_a_site_without_a_github_repository_never_makes_the_issue_text() -> None:
    labels = Labels(translator("en"))
    assert report_url(STATUSES[0], "A", None, None, "outdated", labels) is None
    assert report_url(STATUSES[0], "A", None, "https://gitlab.com/acme/kb", "x", labels) is None
    assert "issue" not in vars(labels)  # a broken translation of its sentences cannot stop a build
