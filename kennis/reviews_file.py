"""Confirmations and owner decisions in one sidecar file, for pages that carry no front matter.

With ``front_matter: false`` in ``.github/kennis.yml`` no page file is ever touched: ``kennis
verify`` and the App's confirmations and owner decisions (``/archive``, ``/handover``,
``/snooze``) write ``.github/kennis-reviews.yml`` instead::

    content/kitchen/close.md:
      reviewed: 2026-03-01
      reviewed_by: "@alice"
    content/kitchen/fryer.md:
      status: archived
      archived: 2026-03-02

``kennis check``, ``stale``, the site and the App read it as the page's top layer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import REVIEWS_PATH
from .errors import KennisError, Problem
from .handles import Handle
from .page import Fields, Page, validate_fields
from .yamlload import Located, load_yaml

if TYPE_CHECKING:  # the editors import the page model, which reads this file
    from ruamel.yaml import YAML

    from .frontmatter_edit import FrontMatterEdit
    from .owner_actions import OwnerCommand

_ALLOWED = ("reviewed", "reviewed_by", "status", "archived", "snoozed_until", "owner", "coauthors")
_DATES = ("archived", "snoozed_until")


def parse_reviews(raw: bytes | None) -> tuple[dict[str, Fields], list[Problem]]:
    """Page path → its fields (reviews and owner decisions); every bad entry is a problem."""
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
            message = f"{page}: give only {', '.join(_ALLOWED)}, e.g. reviewed: 2026-03-01"
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
    yaml, data = _load_for_edit(raw)
    for path, by, on in confirmed:
        entry = _entry(data, path)
        entry["reviewed"] = on
        entry["reviewed_by"] = by.text
    return _dump(yaml, data)


def record_decision(raw: bytes | None, path: str, edit: FrontMatterEdit) -> bytes:
    """The sidecar with an owner decision (``kennis.owner_actions.plan_edit``) on ``path``.

    The same keys the page's front matter would get; co-authors listed here add to the page's
    own and its folders', as every layer's lists do.
    """
    yaml, data = _load_for_edit(raw)
    entry = _entry(data, path)
    for key, (value, _quote) in edit.values.items():
        entry[key] = date.fromisoformat(value) if key in _DATES else value
    if edit.add_coauthors or edit.drop_coauthors:
        current = [str(c) for c in entry.get("coauthors") or []]
        keep = [c for c in current if c.strip().lower() not in edit.drop_coauthors]
        keys = {c.strip().lower() for c in keep}
        wanted = keep + [a for a in edit.add_coauthors if a.lower() not in keys]
        if wanted:
            entry["coauthors"] = wanted
        else:
            entry.pop("coauthors", None)
    return _dump(yaml, data)


def decide_in_sidecar(
    raw: bytes | None, command: OwnerCommand, pages: list[Page], on: date
) -> bytes | None:
    """The sidecar with an owner's ``command`` decided for ``pages`` (the keys the page would get).

    A page the command cannot apply to is left out: the App answered that before landing.
    """
    from .owner_actions import plan_edit  # it imports the page model, which reads this file

    for page in pages:
        edit = plan_edit(command, page, on)
        if not isinstance(edit, str):
            raw = record_decision(raw, page.path, edit)
    return raw


def _load_for_edit(raw: bytes | None) -> tuple[YAML, Any]:
    from ruamel.yaml import YAML  # only to edit the file: reading it (every build) needs none
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

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
    return yaml, data


def _entry(data: Any, path: str) -> Any:
    from ruamel.yaml.comments import CommentedMap

    entry = data.get(path)
    if not isinstance(entry, dict):
        entry = data[path] = CommentedMap()
    return entry


def _dump(yaml: YAML, data: Any) -> bytes:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue().encode("utf-8")


def sidecar_update(root: Path, confirmed: Iterable[tuple[str, Handle, date]]) -> tuple[Path, bytes]:
    """The sidecar file of the work tree at ``root`` and its bytes with ``confirmed`` recorded."""
    file = root / REVIEWS_PATH
    return file, record_reviews(file.read_bytes() if file.is_file() else None, confirmed)
