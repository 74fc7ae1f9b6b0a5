"""What the Wanted pages page lists: stubs with ``status: wanted`` and links to missing pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs.structure.files import File, Files

from ..context import SiteContext
from ..render import relative_url
from ..reports import PageRef, page_ref
from ..requests_source import load_requests
from .links import missing_links

if TYPE_CHECKING:
    from kennis.requests import KnownRequest


@dataclass(frozen=True)
class Linker:
    """A page that links to a missing page."""

    title: str
    url: str | None


@dataclass(frozen=True)
class MissingPage:
    """A page someone linked to that nobody has written yet."""

    path: str
    suggested_title: str
    linked_from: list[Linker]


@dataclass
class Wanted:
    """Everything the ``kennis/wanted.md`` template shows."""

    stubs: list[PageRef]
    missing: list[MissingPage]
    requests: list[KnownRequest] | None = None  # open ones, most wanted first; None: not known


def _suggest(path: str) -> str:
    name = path.rsplit("/", 1)[-1].removesuffix(".md")
    return name.replace("-", " ").replace("_", " ").capitalize()


def _built(files: Files, src_uri: str) -> bool:
    # src_uris, not get_file_from_path: a page's src_uri is POSIX already, and normalising it
    # again through PurePath cost more than the rest of the check (every page, issue 19).
    file = files.src_uris.get(src_uri)
    return file is not None and file.inclusion.is_included()


def wanted(context: SiteContext, files: Files, report: File) -> Wanted:
    stubs = [
        page_ref(status, context, files, report)
        for status in context.statuses.values()
        if status.page.status == "wanted"
    ]
    sources = {
        context.src_uri(path): text
        for path, text in context.markdown.items()
        if path in context.kb.pages
        and context.kb.pages[path].status != "archived"
        and _built(files, context.src_uri(path))  # a draft left out of this build asks for nothing
    }
    found = missing_links(
        sources,
        # A page exclude_docs leaves out exists: it is not "wanted", and no report names it.
        lambda src_uri: (
            files.get_file_from_path(src_uri) is not None
            or context.kb.excluded(context.repo_path(src_uri))
        ),
    )
    missing = []
    for path in sorted(found, key=lambda p: (-len(found[p]), p)):
        linkers = []
        for src_uri in sorted(found[path]):
            page = context.kb.pages.get(context.repo_path(src_uri))
            title = page.title if page and page.title else src_uri
            linkers.append(Linker(title, relative_url(files, src_uri, report)))
        missing.append(MissingPage(path, _suggest(path), linkers))
    known = load_requests()
    if known is None:
        return Wanted(stubs, missing, None)
    from kennis.requests import open_ranked  # loaded only when known: see requests_source

    return Wanted(stubs, missing, open_ranked(known))
