"""Reference data: importers, lookups, search and the code page."""
