"""Catalog module maps (being filled in)."""
