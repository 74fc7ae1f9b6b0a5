"""What kennis reads from ``mkdocs.yml``: the docs folder (``docs_dir``) and ``exclude_docs``.

One source of truth for the docs folder: without ``content_dir`` in ``.github/kennis.yml`` kennis
uses MkDocs' ``docs_dir``; both set and different is an error naming both files. Pages that
MkDocs' ``exclude_docs`` leaves out of the site are left out of every kennis report too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from .errors import Problem
from .paths import normalize
from .texts import N_

if TYPE_CHECKING:
    import pathspec

MKDOCS_PATH = "mkdocs.yml"
MKDOCS_DEFAULT_DOCS_DIR = "docs"  # MkDocs' own default
# MkDocs always excludes dotfiles and /templates/ (mkdocs.structure.files._default_exclude).
_ALWAYS = (".*", "/templates/")


class _Loose(yaml.SafeLoader):
    """Safe loading that reads past MkDocs' own tags (``!ENV``, ``!!python/name:``) as None."""


_Loose.add_multi_constructor("", lambda _loader, _suffix, _node: None)


@dataclass(frozen=True)
class SiteConfig:
    """The parts of ``mkdocs.yml`` kennis honours."""

    docs_dir: str  # repo-relative ("" for the root)
    docs_dir_line: int  # 0 when MkDocs' default applies
    exclude_docs: tuple[str, ...] = ()
    inherit: str = ""  # INHERIT: the file this one extends

    def excluded(self, inside: str) -> bool:
        """True if the page at ``inside`` (relative to docs_dir) is left out of the site."""
        return _spec(self.exclude_docs).match_file(inside)


_SPECS: dict[tuple[str, ...], pathspec.PathSpec] = {}


def _spec(lines: tuple[str, ...]) -> pathspec.PathSpec:
    spec = _SPECS.get(lines)
    if spec is None:
        import pathspec  # ~20 ms, only when a page's place in the site is asked (not kennis index)

        spec = _SPECS[lines] = pathspec.GitIgnoreSpec.from_lines([*_ALWAYS, *lines])
    return spec


def load_site_config(
    read: Callable[[str], bytes | None],
) -> tuple[SiteConfig | None, list[Problem]]:
    """``mkdocs.yml`` through ``read`` (a tree's), following one ``INHERIT:`` for unset keys."""
    site, problems = parse_site_config(read(MKDOCS_PATH))
    if site is None or not site.inherit or (site.docs_dir_line and site.exclude_docs):
        return site, problems
    try:
        inherited = normalize(site.inherit)
    except ValueError:  # outside the repository (an absolute path): nothing kennis may read
        return site, problems
    parent, _ = parse_site_config(read(inherited))
    if parent is None:
        return site, problems
    docs_dir = (site.docs_dir, site.docs_dir_line) if site.docs_dir_line else (parent.docs_dir, 0)
    return SiteConfig(*docs_dir, site.exclude_docs or parent.exclude_docs), problems


def parse_site_config(raw: bytes | None) -> tuple[SiteConfig | None, list[Problem]]:
    """Read ``mkdocs.yml`` (None: there is none); a file kennis cannot read is a warning."""
    if raw is None:
        return None, []
    try:
        node = yaml.compose(raw.decode("utf-8-sig"), Loader=_Loose)
        data: Any = yaml.load(raw.decode("utf-8-sig"), Loader=_Loose)  # a SafeLoader subclass
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = N_("kennis cannot read this file (MkDocs will say why): {error}", error=exc)
        return None, [Problem(MKDOCS_PATH, line, col, message, "warning")]
    if not isinstance(data, dict):
        return None, []
    docs_dir, line = MKDOCS_DEFAULT_DOCS_DIR, 0
    if isinstance(data.get("docs_dir"), str) and data["docs_dir"].strip():
        docs_dir = normalize(data["docs_dir"].strip().rstrip("/"))
        line = _line_of(node, "docs_dir")
    if docs_dir == ".":
        docs_dir = ""
    inherit = str(data["INHERIT"]) if isinstance(data.get("INHERIT"), str) else ""
    return SiteConfig(docs_dir, line, _patterns(data.get("exclude_docs")), inherit), []


def _patterns(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        lines = value.splitlines()
    elif isinstance(value, list):
        lines = [v for v in value if isinstance(v, str)]
    else:
        return ()
    return tuple(line for line in (raw.strip() for raw in lines) if line)


def _line_of(node: Any, key: str) -> int:
    for key_node, _value in getattr(node, "value", []) or []:
        if getattr(key_node, "value", None) == key:
            return int(key_node.start_mark.line) + 1
    return 0
