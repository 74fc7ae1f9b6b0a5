"""MkDocs plugins of kennis: page info, freshness banners, knowledge health, contributors."""
