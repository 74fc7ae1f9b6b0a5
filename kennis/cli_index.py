"""``kennis index [--out FILE]``: the history manifest, with git's stream started first."""

from __future__ import annotations

import atexit
import contextlib
import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from .cli_args import root_option


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while the index is built and written.

    A pass makes ~10⁵ objects and no cycles, which the collector would only walk again and again
    (~0.1 s of the ~1.4 s of CPU `kennis index` takes on 5,000 pages).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # What the pass made joins the oldest generation unscanned (freeze, then unfreeze):
            # enabled at once, the collector's next young collection would walk all of it (~0.04 s
            # at 5,000 pages). A full collection, rarely due, still sees it.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@click.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of stdout.",
)
@root_option
def index(out: Path | None, root: Path | None) -> None:
    """Write the history index manifest (JSON) from one pass over git history."""
    from .cli import _root
    from .gitlog import started_early  # the core is not imported yet
    from .repository import commit_command, git_program, open_command

    top = _root(root)
    # In a work tree without a history cache (kennis.history_cache, in .git/kennis) the pass
    # reads all history: git's stream starts now, while the core is imported and settings read.
    cold = (top / ".git").is_dir() and not (top / ".git" / "kennis").exists()
    git = git_program()
    # The pass's first questions to git are asked meanwhile too (`kennis.gitlog.early_output`):
    # what the repository is, the commit HEAD names (as the stream has it) and its files.
    first = [open_command(top, git), commit_command(git, top.resolve(), "HEAD")]
    early = started_early(top, git, also=first) if cold else contextlib.nullcontext()
    with _collector_paused(), early:
        from . import cli_output
        from .errors import KennisError
        from .history import manifest_chunks, write_manifest
        from .history_build import index_for, kept_to_exit
        from .history_lines import ManifestLines
        from .kb import load_settings
        from .tree import WorkTree

        config, _site, _problems = load_settings(WorkTree(top))  # the pages are not read
        lines = ManifestLines()  # each page's text made as the pass finishes it, git still busy
        keep: list[object] = []  # the walk's data, left to the process's end (kept_to_exit)
        keep.append(keep)
        try:
            with kept_to_exit(keep):
                history = index_for(top, config, on_page=lines)
        except KennisError as exc:
            raise click.ClickException(str(exc)) from exc
        if out is None:
            sys.stdout.writelines(manifest_chunks(history, lines))  # streamed, never one string
            sys.stdout.flush()
        else:
            write_manifest(history, out, lines)
            click.echo(cli_output.history_written(history, out, config.language), err=True)
    # The interpreter's last collection at exit would walk every object of the pass once more
    # (~0.1 s at 5,000 pages): they are kept from it. Everything written is closed by now.
    atexit.register(gc.freeze)
