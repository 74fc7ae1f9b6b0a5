"""Where a page lives on the built site: MkDocs' URL rule, in the core so no two callers drift.

The site's own links, the review-due issues and the App's preview links all come from here.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from .paths import is_under


def page_url_path(src_uri: str, use_directory_urls: bool = True) -> str:
    """The URL of a Markdown page relative to the site root, exactly as MkDocs' ``File.url``.

    ``src_uri`` is relative to the docs folder. ``index.md`` and ``README.md`` (case as written)
    are their folder's page; the site root's is ``./``. Percent-encoded like MkDocs (``/`` kept).
    """
    parent, filename = posixpath.split(src_uri)
    stem = posixpath.splitext(filename)[0]
    name = "index" if stem in ("index", "README") else stem
    if not use_directory_urls:
        return quote(posixpath.join(parent, name + ".html"))
    if name == "index":
        return quote((parent or ".") + "/")
    return quote(posixpath.join(parent, name) + "/")


def site_page_url(site_url: str, url_path: str) -> str:
    """``url_path`` (from ``page_url_path``) on the site at ``site_url``.

    The root page is the site's address itself, with no ``./``.
    """
    base = site_url if site_url.endswith("/") else site_url + "/"
    return base if url_path == "./" else base + url_path


def page_url(
    site_url: str | None, content_dir: str, path: str, use_directory_urls: bool = True
) -> str | None:
    """The address of the page at repository path ``path`` (None without a ``site_url``)."""
    if not site_url:
        return None
    src_uri = path[len(content_dir) + 1 :] if content_dir and is_under(path, content_dir) else path
    return site_page_url(site_url, page_url_path(src_uri, use_directory_urls))
