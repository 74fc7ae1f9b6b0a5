"""Reading order and section titles without a hand-written ``nav:``: the section's index decides.

A section (a folder) is titled with its index page's ``title:``, and its pages and sub-sections
are listed in the order its index page links to them (a link to a page inside a sub-section
places that sub-section); whatever the index does not link keeps MkDocs' order, after them.
The site's home page orders the top-level sections (the tabs) the same way.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from mkdocs.structure import StructureItem
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from .context import SiteContext

_LINK = re.compile(r"\]\(\s*<?([^)\s>#]+)")
_INDEX = ("index.md", "README.md")


def apply_reading_order(nav: Navigation, context: SiteContext) -> None:
    """Title every section after its index page and order every level by its index's links."""
    _order(nav.items, "", context)
    nav.pages = _pages(nav.items)
    bookended = [None, *nav.pages, None]
    for before, page, after in zip(bookended, nav.pages, bookended[2:], strict=False):
        page.previous_page, page.next_page = before, after  # the footer follows the new order


def _order(items: list[StructureItem], folder: str, context: SiteContext) -> None:
    index = next((i for i in items if _is_index(i, folder)), None)
    targets = _links(index, context) if isinstance(index, Page) else []
    for item in items:
        if isinstance(item, Section):
            sub = _folder_of(item, folder)
            own = next((c for c in item.children if _is_index(c, sub)), None)
            title = _title(own, context) if isinstance(own, Page) else None
            if title:
                item.title = title
            _order(item.children, sub, context)

    def rank(item: StructureItem) -> int:
        if item is index:
            return -1
        hits = (n for n, target in enumerate(targets) if _covers(item, target, folder))
        return min(hits, default=len(targets))

    items.sort(key=rank)  # stable: unlinked items keep their order


def _is_index(item: StructureItem, folder: str) -> bool:
    if not isinstance(item, Page):
        return False
    uri = item.file.src_uri
    return posixpath.dirname(uri) == folder and posixpath.basename(uri) in _INDEX


def _links(index: Page, context: SiteContext) -> list[str]:
    """Docs-relative targets of the index page's Markdown links, in reading order."""
    text = context.markdown.get(context.repo_path(index.file.src_uri), "")
    base = posixpath.dirname(index.file.src_uri)
    found = []
    for target in _LINK.findall(text):
        if "://" in target or target.startswith(("/", "mailto:")):
            continue
        found.append(posixpath.normpath(posixpath.join(base, target)))
    return found


def _covers(item: StructureItem, target: str, parent: str) -> bool:
    if isinstance(item, Page):
        return item.file.src_uri == target
    if isinstance(item, Section):
        folder = _folder_of(item, parent)
        return bool(folder) and target.startswith(folder + "/")
    return False


def _folder_of(section: Section, parent: str) -> str:
    """The folder a section stands for: the one below ``parent`` its pages are in."""
    for page in _pages(section.children):
        rest = page.file.src_uri.removeprefix(f"{parent}/" if parent else "")
        if "/" in rest:
            return posixpath.join(parent, rest.split("/", 1)[0])
    return ""


def _pages(items: Sequence[StructureItem]) -> list[Page]:
    found: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            found.append(item)
        elif isinstance(item, Section):
            found += _pages(item.children)
    return found


def _title(page: Page, context: SiteContext) -> str | None:
    known = context.kb.pages.get(context.repo_path(page.file.src_uri))
    return known.title if known is not None else None
