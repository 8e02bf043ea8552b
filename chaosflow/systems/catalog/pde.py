"""Catalog module pde (being filled in)."""
