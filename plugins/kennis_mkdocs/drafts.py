"""Drafts stay drafts: a production build leaves out the pages ``kennis.visibility`` holds back."""

from __future__ import annotations

from mkdocs.structure.files import Files

from kennis.visibility import Audience, is_published

from .context import SiteContext


def drop_unpublished(files: Files, context: SiteContext, audience: Audience) -> list[str]:
    """Remove the pages this audience must not get; returns their docs-relative paths.

    No page, nav entry, search entry or sitemap line follows a removed file.
    """
    dropped = []
    for path, page in sorted(context.kb.pages.items()):
        if is_published(page, audience):
            continue
        file = files.get_file_from_path(context.src_uri(path))
        if file is not None and file.is_documentation_page():
            files.remove(file)
            dropped.append(file.src_uri)
    return dropped
