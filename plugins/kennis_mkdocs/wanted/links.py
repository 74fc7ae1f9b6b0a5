"""Internal Markdown links that point to pages that do not exist yet, read from the page sources.

The sources were kept when the knowledge base was loaded, so this reads no file a second time.
Code blocks, inline code and HTML comments are skipped; external, absolute and anchor-only links
are not "wanted pages".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from kennis.links import link_targets, resolve

__all__ = ["link_targets", "missing_links", "resolve"]


def missing_links(sources: Mapping[str, str], exists: Callable[[str], bool]) -> dict[str, set[str]]:
    """``{missing page: {pages linking to it}}`` for pages given as ``{src_uri: markdown}``."""
    wanted: dict[str, set[str]] = {}
    for src_uri, markdown in sources.items():
        for target in link_targets(markdown):
            resolved = resolve(src_uri, target)
            if resolved is not None and not exists(resolved):
                wanted.setdefault(resolved, set()).add(src_uri)
    return wanted
