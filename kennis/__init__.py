"""kennis: the domain core of a Git-backed knowledge base (pages, owners, freshness, history)."""

__version__ = "0.1.0"
