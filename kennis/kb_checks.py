"""What can be wrong with a knowledge base's layout, reported by ``kennis.kb`` as it loads.

The content folder, special files, unsafe names, mistyped keys, settings that disagree.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from .config import CONFIG_PATH, Config
from .errors import Problem
from .mkdocs_yml import MKDOCS_PATH, SiteConfig
from .page import DEFAULT, ITEMS, SCALARS
from .texts import N_
from .tree import Tree

if TYPE_CHECKING:
    from .kb import KnowledgeBase

META_FILE = ".meta.yml"
PAGE_SUFFIX = ".md"
KNOWN_KEYS = (*SCALARS, *ITEMS)
_UNSAFE = frozenset('<>"&')


def content_folder_problem(kb: KnowledgeBase, tree: Tree) -> Problem | None:
    """A content folder that is missing or holds no page: an error, never "all good"."""
    folder = kb.config.content_dir
    if any(p.endswith(PAGE_SUFFIX) for p in tree.files(folder)):
        return None
    if any(p.path == (folder or ".") for p in kb.problems):
        return None  # the folder itself is a link or special file: that error says it already
    if kb.config.content_dir_source != DEFAULT:
        where = N_("content_dir in {file}", file=CONFIG_PATH)
    elif kb.site is not None and kb.site.docs_dir_line:
        where = N_("docs_dir in {file}", file=MKDOCS_PATH)
    elif kb.site is not None:
        where = N_("MkDocs' default")
    else:
        where = N_("the default; set content_dir in {file} or run `kennis init`", file=CONFIG_PATH)
    if has_any(tree, folder):
        message = N_(
            "the content folder {folder}/ ({where}) holds no Markdown page",
            folder=folder or ".",
            where=where,
        )
    else:
        message = N_(
            "the content folder {folder}/ ({where}) does not exist (or is empty)",
            folder=folder or ".",
            where=where,
        )
    return Problem(folder or ".", 0, 0, message)


def has_any(tree: Tree, folder: str) -> bool:
    return next(iter(tree.files(folder)), None) is not None


def disagreement(config: Config, site: SiteConfig | None) -> list[Problem]:
    if site is None or config.content_dir_source == DEFAULT or config.content_dir == site.docs_dir:
        return []
    return [
        Problem(
            CONFIG_PATH,
            config.content_dir_source.line,
            1,
            N_(
                "content_dir is {content_dir!r} but {mkdocs} says docs_dir is {docs_dir!r}: remove"
                " content_dir from {config} (kennis then uses docs_dir) or make both name the same"
                " folder",
                content_dir=config.content_dir,
                mkdocs=MKDOCS_PATH,
                docs_dir=site.docs_dir or ".",
                config=CONFIG_PATH,
            ),
        )
    ]


def special_entries(tree: Tree, content_dir: str) -> list[Problem]:
    """Symbolic links, devices, FIFOs…: no build follows them, and the check says so."""
    kinds = {
        "symbolic link": N_("a symbolic link"),
        "named pipe (FIFO)": N_("a named pipe (FIFO)"),
        "socket": N_("a socket"),
        "device": N_("a device"),
        "submodule": N_("a submodule"),
    }
    return [
        Problem(
            path,
            0,
            0,
            N_(
                "this is {kind}, not a regular file: the site publishes regular files only"
                " (put a copy of the file here, or link to it in Markdown)",
                kind=kinds.get(kind, N_("a special file")),
            ),
        )
        for path, kind in tree.special(content_dir)
    ]


def unsafe_names(listing: list[str], config: Config) -> list[Problem]:
    """Page and folder names become titles in the site's navigation, tabs and footer."""
    problems = []
    for path in listing:
        if not (path.endswith(PAGE_SUFFIX) or path.rsplit("/", 1)[-1] == META_FILE):
            continue
        inside = path[len(config.content_dir) + 1 :] if config.content_dir else path
        if inside.isprintable() and not any(c in inside for c in _UNSAFE):
            continue  # no control character (category Cc) is printable
        bad = sorted({c for c in inside if c in _UNSAFE or unicodedata.category(c) == "Cc"})
        if bad:
            shown = ", ".join(repr(c) for c in bad)
            problems.append(
                Problem(
                    path,
                    0,
                    0,
                    N_(
                        "the file or folder name contains {shown}: names become titles on the"
                        ' site, so rename it without <, >, ", & and control characters (tabs,'
                        " newlines)",
                        shown=shown,
                    ),
                )
            )
    return problems


def typos(data: Any, located: Any, path: str) -> list[Problem]:
    """Warn about unknown keys that look like misspelt known ones (``reviewd``, ``co-authors``)."""
    found = []
    for key in data or {}:
        if isinstance(key, str) and key not in KNOWN_KEYS:
            import difflib  # only for an unknown key: no start-up cost for the others

            close = difflib.get_close_matches(
                key.lower().replace("-", "").replace("_", ""),
                [k.replace("_", "") for k in KNOWN_KEYS],
                n=1,
                cutoff=0.8,
            )
            if close:
                real = next(k for k in KNOWN_KEYS if k.replace("_", "") == close[0])
                line, col = located.where_key(key)
                found.append(
                    Problem(
                        path,
                        line,
                        col,
                        N_('unknown key "{key}": did you mean "{real}"?', key=key, real=real),
                        "warning",
                    )
                )
    return found
