"""Coarse Prefect tasks (prefect_tasks) around plain, Prefect-free work functions."""
