"""Relative Markdown links between pages, read from page sources (code and comments skipped).

Used by ``kennis check`` (links to archived pages) and the wanted-pages report (links to pages
nobody wrote yet). External, absolute and anchor-only links are not page links.
"""

from __future__ import annotations

import posixpath
import re

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,}).*?^\1\2[`~]*[ \t]*$", re.M | re.S)
_CODE = re.compile(r"(`+).+?\1", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_INLINE = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.M)


def link_targets(markdown: str) -> list[str]:
    """Every link target written in ``markdown``, in order (code and comments left out).

    Each pattern runs only on text holding the characters it needs, looked for one character
    first (the fastest scan): the site build reads every page, and most pages have no code, no
    comment, no reference link (issue 19).
    """
    text = markdown
    ticks = "`" in text
    if (ticks and "```" in text) or ("~" in text and "~~~" in text):
        text = _FENCE.sub("", text)
    if "<" in text and "<!--" in text:
        text = _COMMENT.sub("", text)
    if ticks and "`" in text:
        text = _CODE.sub("", text)
    if "]" not in text:
        return []
    inline = [m.group(1) for m in _INLINE.finditer(text)] if "](" in text else []
    return inline + ([m.group(1) for m in _REFERENCE.finditer(text)] if "]:" in text else [])


def resolve(src_uri: str, target: str) -> str | None:
    """A relative link to a Markdown page, as a docs-relative path; None for anything else."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("/", "#")):
        return None
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path.endswith(".md"):
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path))
    return None if resolved.startswith("../") or resolved == ".." else resolved
