"""Writing translations: the ``kennis translate`` scaffold and the confirmation's ``translation_of``.

A translation records the source revision it matches as the source's blob SHA: content-addressed,
so it means the same in every clone and in a repository the starter is copied into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import KennisError, Problem
from .frontmatter import parse_page
from .frontmatter_edit import FrontMatterEdit, edit_front_matter
from .gitrev import GitError, GitReader
from .handles import Handle
from .i18n import Translator
from .kb import KnowledgeBase
from .translation_history import resolve_blobs

_LANGUAGE = re.compile(r"[a-z]{2}(?:_[A-Z]{2})?")


def set_translation_of(raw: bytes, path: str, revision: str) -> bytes:
    """The page with ``translation_of: "<revision>"``; every other byte unchanged."""
    return edit_front_matter(raw, path, FrontMatterEdit({"translation_of": (revision, True)}))


def worktree_blob(root: Path, path: str) -> str:
    """The blob SHA of the file as it is in the work tree (what the translator reads)."""
    try:
        return GitReader(root).git("hash-object", "--", path).decode().strip()
    except GitError as error:
        raise KennisError(f"{path}: cannot hash it with git: {error}") from None


def blob_at(reader: GitReader, rev: str, path: str) -> str | None:
    """The blob SHA of ``path`` at ``rev`` (None if it is no file there)."""
    return resolve_blobs(reader, [(rev, path)]).get((rev, path))


@dataclass(frozen=True)
class Scaffold:
    """A new translation: where it goes and its text."""

    path: str
    text: str


def translation_path(source: str, language: str, tr: Translator) -> str:
    """``content/a.md`` → ``content/a.fr.md``; a message for a bad language code."""
    if not _LANGUAGE.fullmatch(language):
        raise KennisError(
            tr._(
                "{language} is not a language code: use two lower-case letters, optionally with a "
                "region (fr, nl, pt_BR)",
                language=repr(language),
            )
        )
    return f"{source.removesuffix('.md')}.{language}.md"


def scaffold_translation(
    source: str,
    raw: bytes,
    title: str | None,
    language: str,
    revision: str,
    owner: Handle | None,
    tr: Translator,
) -> Scaffold:
    """Front matter (title, ``translation_of``, owner if given) and the source's body to translate."""
    path = translation_path(source, language, tr)
    front, problems = parse_page(raw, source)
    if front is None:
        raise KennisError(problems or [Problem(source, 1, 1, tr._("the page could not be read"))])
    body = front.text.split("\n", front.body_line - 1)[-1] if front.body_line > 1 else front.text
    lines = ["---"]
    if title:
        lines.append(f"title: {_quoted(title)}")
    lines.append(f'translation_of: "{revision}"')
    if owner is not None:
        lines.append(f'owner: "{owner.text}"')
    lines.append("---")
    return Scaffold(path, "\n".join(lines) + "\n" + body.lstrip("\n"))


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def confirmed(root: Path, kb: KnowledgeBase, path: str, raw: bytes) -> bytes:
    """A confirmed translation matches its source as it is now: ``translation_of`` moves too."""
    page = kb.page(path)
    if page is None or page.source is None:
        return raw
    return set_translation_of(raw, path, worktree_blob(root, page.source))
