"""Importers for the official CMS layouts. Each file is one release, one transaction."""
