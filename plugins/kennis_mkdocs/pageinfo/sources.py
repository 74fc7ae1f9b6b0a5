"""Each page read once per build: MkDocs gets the text, and the front matter, kennis read.

MkDocs reads every page file again after kennis has loaded the knowledge base, and parses its
front matter again: together ~30 M instructions of a 300-page build (issue 19). The page info
plugin gives MkDocs the text as MkDocs reads a file (UTF-8 without its byte order mark, universal
newlines) and, where MkDocs' own front matter rule finds exactly the block kennis parsed and that
block holds no YAML tag (``!``: kennis builds mappings and lists itself, where a tag such as
``!!set`` would make MkDocs' loader build something else, or fail), the body without it and then
the mapping kennis made of it: the same ``page.markdown`` and ``page.meta`` as MkDocs' parse.

Only for a page whose file is still the one kennis read: a plugin that gave the page other
content (``content_string``) or another file is left to MkDocs, as is a page whose source
another plugin gives (``on_page_read_source``: the last answer is the one read).
"""

from __future__ import annotations

import os
from typing import Any, cast

from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import YAML_RE

from ..context import SiteContext


class PageSources:
    """One build's page texts for MkDocs, and the front matter each is owed."""

    def __init__(self) -> None:
        self._owed: dict[str, tuple[str, dict[object, object]]] = {}  # src_uri → (body, meta)

    def source(self, site: SiteContext, file: File, docs_dir: str) -> str | None:
        """The page's text for MkDocs, without its front matter when `give_meta` will add it.

        None where MkDocs reads the file itself: a page the knowledge base does not hold, or
        whose file another plugin changed.
        """
        path = site.repo_path(file.src_uri)
        text = site.markdown.get(path) if path in site.kb.pages else None
        if text is None or not _as_read(file, docs_dir):
            return None
        if "\r" in text:
            return text.replace("\r\n", "\n").replace("\r", "\n")
        shared = site.kb.front_matter.get(path)
        found = YAML_RE.match(text) if shared is not None else None
        if shared is None or found is None or found.group(1) != shared[0] or "!" in shared[0]:
            return text  # MkDocs parses this one itself, as it would have
        body = text[found.end() :].lstrip("\n")
        self._owed[file.src_uri] = (body, shared[1])
        # A blank first line: MkDocs finds no front matter (YAML or MultiMarkdown) and
        # returns the body unchanged.
        return "\n" + body

    def give_meta(self, page: Page, markdown: str) -> None:
        """``page.meta`` from the front matter taken off the page's source.

        Unless another plugin's source was read instead: then MkDocs parsed that one.
        """
        owed = self._owed.pop(page.file.src_uri, None)
        if owed is not None and not page.meta and markdown == owed[0]:
            page.meta = cast(dict[str, Any], dict(owed[1]))  # the keys YAML gave, as MkDocs'


def _as_read(file: File, docs_dir: str) -> bool:
    """The page's file is still the one in the docs folder that kennis read.

    Content a plugin gave the file (``content_string``) clears its ``abs_src_path``; the docs
    folder and the file's path in it are normalised already (MkDocs' configuration and walk).
    """
    if file.generated_by is not None or file.src_dir != docs_dir:
        return False
    return file.abs_src_path == os.path.join(docs_dir, file.src_path)
