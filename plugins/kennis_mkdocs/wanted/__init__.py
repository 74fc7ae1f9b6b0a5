"""The generated "Wanted pages" page: stubs asking for an expert and links to pages not yet written."""
