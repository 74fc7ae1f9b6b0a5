"""Keep the collector off the objects that live for the whole build (pages, navigation, history).

A cyclic garbage collection of the oldest generation walks every tracked object; during a build
those are mostly the knowledge base, its history and MkDocs' own files and navigation, alive
until the build ends. Freezing them once the pages are about to be rendered (``gc.freeze``) leaves
each later collection only what the pages make; ``gc.unfreeze`` after the build (or its failure)
hands them back, so ``mkdocs serve``'s rebuilds keep nothing alive that a rebuild dropped.
"""

from __future__ import annotations

import gc


def freeze_long_lived() -> None:
    """Before the pages are rendered: what is alive now lives until the build ends."""
    gc.freeze()


def thaw() -> None:
    """After the build (or its failure): everything is collectable again."""
    gc.unfreeze()
