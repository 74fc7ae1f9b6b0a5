"""Allow ``python -m kennis``."""

from .cli import main

main()
