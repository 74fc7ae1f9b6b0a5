"""``kennis translate PAGE --to LANG [--owner @x]``: scaffold ``page.<lang>.md`` from its source."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli_args import handle_value

if TYPE_CHECKING:
    from .handles import Handle


@click.command()
@click.argument("page")
@click.option("--to", "language", required=True, help="Language code of the translation, e.g. fr.")
@click.option(
    "--owner", callback=handle_value, help="Owner of the translation (default: the source's)."
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Repository root (default: found from the current folder).",
)
def translate(page: str, language: str, owner: Handle | None, root: Path | None) -> None:
    """Start a translation of PAGE: PAGE.<LANG>.md with translation_of filled in."""
    from .cli import _relative, _root
    from .errors import KennisError
    from .files import write_atomic
    from .i18n import translator
    from .kb import load_kb
    from .translate import scaffold_translation, worktree_blob
    from .tree import WorkTree

    top = _root(root)
    key = _relative(top, page)
    kb = load_kb(WorkTree(top), only=[key])
    tr = translator(kb.config.language)
    source = kb.page(key)
    if source is None:
        raise click.ClickException(tr._("{path}: not a page of this knowledge base", path=key))
    if source.source is not None:
        raise click.ClickException(
            tr._("{path} is itself a translation (of {source})", path=key, source=source.source)
        )
    try:
        revision = worktree_blob(top, key)
        planned = scaffold_translation(
            key, (top / key).read_bytes(), source.title, language, revision, owner, tr
        )
    except KennisError as exc:
        raise click.ClickException(str(exc)) from exc
    target = top / planned.path
    if target.exists():
        raise click.ClickException(
            tr._("{path} already exists: nothing written", path=planned.path)
        )
    write_atomic(target, planned.text)
    click.echo(
        tr._(
            "created {path}: a translation of {source} as of {revision}; translate its text",
            path=planned.path,
            source=key,
            revision=revision[:12],
        )
    )
