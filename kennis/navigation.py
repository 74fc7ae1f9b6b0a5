"""Whether a site's navigation grows with pages² (the whole tree in every page) — a build-time check.

Material renders the complete navigation into every page unless ``navigation.prune`` is on, so
build time and HTML grow with the square of the page count: 1,000 pages took 30.6 s and 345 MB
of HTML that way, 4.5 s and 46 MB pruned (benchmarks/README.md). ``kennis check`` warns about it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Problem
from .texts import N_

#: Above this many pages a full navigation in every page is a cost worth a warning.
FULL_NAV_LIMIT = 500
PRUNE = "navigation.prune"


class _Loose(yaml.SafeLoader):
    """Safe loading that reads past MkDocs' own tags (``!ENV``, ``!!python/name:``) as None."""


_Loose.add_multi_constructor("", lambda _loader, _suffix, _node: None)


def full_navigation_problems(
    mkdocs_yml: Path, pages: int, shown: str = "mkdocs.yml"
) -> list[Problem]:
    """A warning if ``mkdocs_yml`` (Material) renders the whole navigation into each of ``pages``."""
    if pages <= FULL_NAV_LIMIT or not mkdocs_yml.is_file():
        return []
    try:
        node = yaml.compose(mkdocs_yml.read_text(encoding="utf-8-sig"), Loader=_Loose)
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return []  # MkDocs reports an unreadable file itself, better than we could
    theme_key, theme = _entry(node, "theme")
    if _scalar(_entry(theme, "name")[1]) != "material":
        return []
    features_key, features = _entry(theme, "features")
    names = [_scalar(item) for item in getattr(features, "value", None) or []]
    if PRUNE in names:
        return []
    mark = getattr(features_key or theme_key, "start_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    message = N_(
        "{pages} pages and the theme renders the whole navigation into every page, so the build"
        " grows with pages²; add `{feature}` to theme.features (tabs, sections and the current"
        " page's neighbours stay in the navigation)",
        pages=pages,
        feature=PRUNE,
    )
    return [Problem(shown, line, col, message, "warning")]


def theme_features(mkdocs_yml: Path) -> list[str]:
    """``theme.features`` of a ``mkdocs.yml`` (the starter's, for tests that build with them)."""
    node = yaml.compose(mkdocs_yml.read_text(encoding="utf-8-sig"), Loader=_Loose)
    features = _entry(_entry(node, "theme")[1], "features")[1]
    return [_scalar(item) for item in getattr(features, "value", None) or []]


def _entry(node: Any, key: str) -> tuple[Any, Any]:
    """The key's node (for its line) and its value's node in a YAML mapping node."""
    if not isinstance(node, yaml.MappingNode):
        return None, None
    for key_node, value in node.value:
        if getattr(key_node, "value", None) == key:
            return key_node, value
    return None, None


def _scalar(node: Any) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) else ""
