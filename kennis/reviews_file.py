"""Confirmations kept in one sidecar file, for repositories whose pages carry no front matter.

With ``front_matter: false`` in ``.github/kennis.yml`` no page file is ever touched: ``kennis
verify`` and the App's confirmations write ``.github/kennis-reviews.yml`` instead::

    content/kitchen/close.md:
      reviewed: 2026-03-01
      reviewed_by: "@alice"

``kennis check``, ``stale``, the site and the App read it as the page's top layer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from .config import REVIEWS_PATH
from .errors import KennisError, Problem
from .handles import Handle
from .page import Fields, validate_fields
from .yamlload import Located, load_yaml

_ALLOWED = ("reviewed", "reviewed_by")


def parse_reviews(raw: bytes | None) -> tuple[dict[str, Fields], list[Problem]]:
    """Page path → its ``reviewed``/``reviewed_by`` fields; every bad entry is a problem."""
    if raw is None:
        return {}, []
    located, problem = load_yaml(raw.decode("utf-8-sig", errors="replace"), REVIEWS_PATH)
    if problem or located is None or located.value is None:
        return {}, [problem] if problem else []
    if not isinstance(located.value, dict):
        return {}, [Problem(REVIEWS_PATH, 1, 1, "must map page paths to reviewed/reviewed_by")]
    found: dict[str, Fields] = {}
    problems: list[Problem] = []
    for page, entry in located.value.items():
        line, col = located.where_key(page)
        if not isinstance(entry, dict) or set(entry) - set(_ALLOWED):
            message = f"{page}: give only reviewed and reviewed_by, e.g. reviewed: 2026-03-01"
            problems.append(Problem(REVIEWS_PATH, line, col, message))
            continue
        sub = Located(entry, _shift(located.values, page), _shift(located.keys, page))
        fields, bad = validate_fields(sub, REVIEWS_PATH)
        problems += bad
        found[str(page)] = fields
    return found, problems


def _shift(positions: dict[tuple[object, ...], tuple[int, int]], page: object) -> dict[Any, Any]:
    return {key[1:]: where for key, where in positions.items() if key[:1] == (page,)}


def record_reviews(raw: bytes | None, confirmed: Iterable[tuple[str, Handle, date]]) -> bytes:
    """The sidecar with each page's ``reviewed``/``reviewed_by`` set; comments and order kept."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    try:
        data = yaml.load(raw.decode("utf-8-sig")) if raw else None
    except (YAMLError, UnicodeDecodeError) as exc:
        raise KennisError(Problem(REVIEWS_PATH, 1, 1, f"cannot safely edit: {exc}")) from exc
    if data is None:
        data = CommentedMap()
    if not isinstance(data, dict):
        raise KennisError(Problem(REVIEWS_PATH, 1, 1, "must map page paths to reviews"))
    for path, by, on in confirmed:
        entry = data.get(path)
        if not isinstance(entry, dict):
            entry = data[path] = CommentedMap()
        entry["reviewed"] = on
        entry["reviewed_by"] = by.text
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue().encode("utf-8")


def sidecar_update(root: Path, confirmed: Iterable[tuple[str, Handle, date]]) -> tuple[Path, bytes]:
    """The sidecar file of the work tree at ``root`` and its bytes with ``confirmed`` recorded."""
    file = root / REVIEWS_PATH
    return file, record_reviews(file.read_bytes() if file.is_file() else None, confirmed)
