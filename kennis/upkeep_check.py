"""``kennis check`` warnings about upkeep: links to archived pages, people ``.mailmap`` should join."""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Callable
from pathlib import Path

from .errors import KennisError, Problem
from .history import HistoryIndex
from .kb import KnowledgeBase
from .links import link_targets, resolve
from .people import mailmap_candidates
from .texts import N_


def upkeep_problems(
    kb: KnowledgeBase, read: Callable[[str], bytes | None], history_of: Path | None = None
) -> list[Problem]:
    """Links to archived pages; with ``history_of`` (``--strict``) people .mailmap should join."""
    problems = archived_links(kb, read)
    if history_of is not None:
        from .history_build import index_for  # git is read only when asked to

        with contextlib.suppress(KennisError):  # no git history here: nothing to compare
            problems += mailmap_problems(index_for(history_of, kb.config))
    return problems


def archived_links(kb: KnowledgeBase, read: Callable[[str], bytes | None]) -> list[Problem]:
    """Warnings for links from pages that are not archived to pages that are (path:line:col)."""
    archived = {p for p, page in kb.pages.items() if page.status == "archived"}
    if not archived:
        return []
    content = kb.config.content_dir.strip("/")
    problems = []
    for path, page in sorted(kb.pages.items()):
        if page.status == "archived":
            continue
        raw = read(path)
        if raw is None:
            continue
        text = raw.decode("utf-8-sig", "replace")
        src_uri = path[len(content) + 1 :] if content and path.startswith(content + "/") else path
        for target in dict.fromkeys(link_targets(text)):
            resolved = resolve(src_uri, target)
            full = posixpath.join(content, resolved) if resolved and content else resolved
            if full in archived:
                line, col = _where(text, target)
                message = N_(
                    "links to {target}, which is archived (kept for history, out of the navigation"
                    " and search): link to the page that replaced it, or drop the link",
                    target=full,
                )
                problems.append(Problem(path, line, col, message, "warning"))
    return problems


def _where(text: str, target: str) -> tuple[int, int]:
    at = text.find("](" + target)
    at = text.find(target) if at < 0 else at + 2
    if at < 0:
        return 1, 1
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def mailmap_problems(index: HistoryIndex) -> list[Problem]:
    """Warnings (``--strict``) for names that appear with several e-mail addresses."""
    people = [
        p
        for page in index.pages.values()
        for p in (*page.contributors, page.last_author, *(c.person for c in page.contributions))
    ]
    return [
        Problem(
            ".mailmap",
            0,
            0,
            N_(
                '"{name}" commits with {count} e-mail addresses ({emails}): if this is one person,'
                " join them in .mailmap so they count once",
                name=name,
                count=len(mails),
                emails=", ".join(mails),
            ),
            "warning",
        )
        for name, mails in mailmap_candidates(people)
    ]
