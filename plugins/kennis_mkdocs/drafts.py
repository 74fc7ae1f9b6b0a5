"""Drafts stay drafts: a production build leaves out the pages ``kennis.visibility`` holds back.

Archived pages are written but not listed: out of the navigation and the search index, still
reachable by their URL (with the "Archived — kept for history" banner).
"""

from __future__ import annotations

from collections.abc import Collection

from mkdocs.structure import StructureItem
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from kennis.visibility import Audience, is_listed, is_published

from .context import SiteContext


def drop_unpublished(files: Files, context: SiteContext, audience: Audience) -> list[str]:
    """Leave out the pages this audience must not get; returns their docs-relative paths.

    They are marked as MkDocs drafts (``draft_docs``' level): no page, nav entry, search entry or
    sitemap line is written, and a link to one is "excluded from the built site" (information),
    not a broken link that fails ``--strict`` or shows up on the Wanted pages page.
    """
    dropped = []
    for path, page in sorted(context.kb.pages.items()):
        if is_published(page, audience):
            continue
        file = context.built_file(files, path)
        if file is not None and file.is_documentation_page():
            file.inclusion = InclusionLevel.DRAFT
            dropped.append(file.src_uri)
    return dropped


def unlisted(context: SiteContext, audience: Audience) -> frozenset[str]:
    """Docs-relative paths of pages the build writes but lists nowhere (archived pages)."""
    return frozenset(
        context.src_uri(path)
        for path, page in context.kb.pages.items()
        if is_published(page, audience) and not is_listed(page, audience)
    )


def drop_from_nav(nav: Navigation, hidden: Collection[str]) -> None:
    """Remove unlisted pages from the navigation (and its previous/next order); empty sections go."""
    if not hidden:
        return
    nav.items[:] = _kept(nav.items, hidden)
    nav.pages[:] = [p for p in nav.pages if p.file.src_uri not in hidden]
    for i, page in enumerate(nav.pages):
        page.previous_page = nav.pages[i - 1] if i > 0 else None
        page.next_page = nav.pages[i + 1] if i + 1 < len(nav.pages) else None


def _kept(items: list[StructureItem], hidden: Collection[str]) -> list[StructureItem]:
    kept = []
    for item in items:
        if isinstance(item, Page) and item.file.src_uri in hidden:
            continue
        if isinstance(item, Section):
            item.children = _kept(item.children, hidden)
            if not item.children:
                continue
        kept.append(item)
    return kept


def hide_from_search(page: Page, hidden: Collection[str]) -> None:
    """Keep an unlisted page out of the search index (the search plugin's ``search.exclude``)."""
    if page.file.src_uri in hidden:
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
