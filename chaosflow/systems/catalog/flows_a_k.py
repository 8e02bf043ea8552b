"""Catalog module flows_a_k (being filled in)."""
