"""A build's long-lived objects kept out of Python's full garbage collections until it ends.

Once the knowledge base is loaded, it, the history index, every page's info and MkDocs' files,
pages and navigation live until the build ends; each full collection of the cyclic garbage
collector walks every one of them again, and so does the one Python makes when the process exits
(issue 19: 0.15 G instructions at 300 pages / 20,000 commits, where kennis adds ~1.2 G). ``hold``
moves what exists to the permanent generation (``gc.freeze``); ``release`` gives it back to the
collector when a build fails, or ends in a process that goes on (``mkdocs serve``'s next build,
or a program calling MkDocs' ``build``), so nothing that became garbage meanwhile stays
uncollected. A ``mkdocs build`` process keeps it frozen to its exit, which frees it all anyway.

Reference counting is untouched: only garbage in reference cycles waits, uncollected and
unfinalised, for the release or the exit (kennis keeps no open file or other resource in one).
The state is this module's, not a plugin's: the collector is the process's, and the kennis
plugins that hold and release it share one build. ``gc.unfreeze`` gives back everything frozen,
also what other code froze; nothing else freezes in a MkDocs build (``kennis index`` does, in its
own process).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

#: Commands whose process ends with the build (``on_startup`` says which one runs).
ONE_SHOT = frozenset({"build", "gh-deploy"})

_held = False
_one_shot = False


def started(command: str) -> None:
    """The MkDocs command this process runs (plugins' ``on_startup``)."""
    global _one_shot
    _one_shot = command in ONE_SHOT


def serving() -> None:
    """The process goes on building (plugins' ``on_serve``, after the first build).

    ``mkdocs serve --clean`` starts as ``build`` (MkDocs says so in ``on_startup``), then rebuilds
    on every change: from here on each build gives back what it held.
    """
    global _one_shot
    _one_shot = False
    release()


def hold() -> None:
    """Freeze everything the collector tracks now (again: what was made since is kept too)."""
    global _held
    gc.freeze()
    _held = True


def release(*, failed: bool = False) -> None:
    """Unfreeze what ``hold`` froze, unless the build succeeded in a process that now exits."""
    global _held
    if _held and (failed or not _one_shot):
        gc.unfreeze()
        _held = False


class GivesBack:
    """The hooks of a kennis plugin that give back what ``hold`` kept (a mixin, listed first)."""

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        release()

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        serving()  # ``serve --clean`` started as ``build``: its rebuilds give back what they held
        return server

    def on_build_error(self, *, error: Exception) -> None:
        release(failed=True)
