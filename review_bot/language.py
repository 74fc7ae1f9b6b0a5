"""The language the App writes in for a repository: ``language:`` in its ``.github/kennis.yml``."""

from __future__ import annotations

from kennis.config import CONFIG_PATH, parse_config
from kennis.i18n import Translator, translator
from review_bot.routing import DeliveryContext


def repo_translator(ctx: DeliveryContext) -> Translator:
    """The translator for the delivery's repository, read from its default branch.

    For replies made without loading the knowledge base (a concern that has one uses
    ``translator(kb.config.language)``). An unreadable config speaks English, like a missing one.
    """
    default = str(ctx.repository.get("default_branch") or "main")
    mirror = ctx.mirror
    mirror.fetch(default)
    raw = mirror.read_file(f"refs/heads/{default}", CONFIG_PATH)
    config, _problems = parse_config(raw)
    return translator(config.language)
