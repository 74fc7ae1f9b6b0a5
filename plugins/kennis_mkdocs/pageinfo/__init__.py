"""Page info, freshness banner and "Report outdated" on every page of the knowledge base."""
