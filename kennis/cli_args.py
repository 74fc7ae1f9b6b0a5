"""The ``kennis`` commands' shared options and argument parsing (click only, like kennis.cli)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from .handles import Handle

FORMATS = click.Choice(["text", "json"])


class PageTypes(click.Choice):
    """The page types as a choice, imported only when a command needs them."""

    def __init__(self) -> None:
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        from .page import TYPES

        return TYPES


def find_root(start: Path) -> Path:
    """The repository root: the nearest folder with .git, .github/kennis.yml or mkdocs.yml."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists() or (folder / ".github" / "kennis.yml").is_file():
            return folder
        if (folder / "mkdocs.yml").is_file():
            return folder
    return start


def handle_value(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Handle | None:
    """A ``--owner``/``--by`` option as a handle."""
    if value is None:
        return None
    from .handles import parse_handle

    try:
        return parse_handle(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def date_value(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """A ``--on``/``--as-of`` option as a date (click's own words around it are English)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def root_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Repository root (default: found from the current folder).",
    )(func)


def manifest_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--manifest",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Use a history manifest from `kennis index --out` instead of reading git (shallow clones).",
    )(func)
