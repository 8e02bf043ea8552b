"""Catalog module delay (being filled in)."""
