"""Catalog module flows_l_z (being filled in)."""
