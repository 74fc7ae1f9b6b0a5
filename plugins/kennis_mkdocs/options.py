"""Options every kennis plugin shares: ``enabled``, ``as_of``, ``manifest``, ``history_cache``."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError

AS_OF_ENV = "KENNIS_AS_OF"
PREVIEW_ENV = "KENNIS_PREVIEW"


class DateOption(c.BaseConfigOption[date | None]):
    """A calendar day written as YYYY-MM-DD (YAML may already have parsed it into a date)."""

    def run_validation(self, value: object) -> date | None:
        if value is None or isinstance(value, date):
            return value.date() if isinstance(value, datetime) else value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise base.ValidationError(f"{value!r} is not a date (write it as YYYY-MM-DD)")


class KennisConfig(base.Config):
    """Options shared by the kennis plugins (each plugin's Config adds its own)."""

    enabled = c.Type(bool, default=True)
    """Switch the plugin off (``enabled: false``) to build a plain Material site without it."""

    as_of = DateOption()
    """Judge freshness as of this day (YYYY-MM-DD) instead of today; the environment variable
    ``KENNIS_AS_OF`` does the same for every plugin. The first kennis plugin that sets it wins."""

    manifest = c.Optional(c.File(exists=True))
    """A history manifest written by ``kennis index --out FILE``, for builds from a shallow clone.
    Without it the history is read from git. The first kennis plugin that sets it wins."""

    history_cache = c.Type((str, bool), default=True)
    """Where the history index is kept at the commit it was built for, so the next build reads
    only the commits since (keep the file with ``actions/cache`` between CI runs). Default
    (``true``): ``.kennis-history-cache.json`` beside ``site_dir``; a path (relative to
    ``mkdocs.yml``) puts it there; ``false`` reads the whole history every build. The first
    kennis plugin that sets it wins."""

    preview = c.Type(bool, default=False)
    """Build for authors, not readers: ``status: draft`` pages are built (with a Draft badge)
    instead of left out. ``mkdocs serve`` (and ``kennis serve``) and ``KENNIS_PREVIEW=1`` (set by
    the App's pull-request previews) do the same."""


def resolve_as_of(configured: date | None, environ: dict[str, str] | Any = os.environ) -> date:
    """The day freshness is judged on: the option, else ``$KENNIS_AS_OF``, else today."""
    if configured is not None:
        return configured
    raw = environ.get(AS_OF_ENV, "").strip()
    if not raw:
        return date.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise PluginError(f"{AS_OF_ENV}={raw!r} is not a date (write it as YYYY-MM-DD)") from None


def resolve_preview(
    configured: bool, serving: bool, environ: dict[str, str] | Any = os.environ
) -> bool:
    """Whether this build is a preview: the option, ``mkdocs serve``, or ``$KENNIS_PREVIEW=1``."""
    return configured or serving or environ.get(PREVIEW_ENV, "").strip() == "1"


CACHE_NAME = ".kennis-history-cache.json"


def resolve_history_cache(configured: str | bool, root: Path, site_dir: str) -> Path | bool:
    """The cache file for ``index_for``: beside ``site_dir`` by default, or False for none."""
    if configured is False:
        return False
    if configured is True:
        return Path(site_dir).resolve().parent / CACHE_NAME
    return (root / configured).resolve()
