"""Shared fixtures: a real Prefect test server for the session, tiny specs, a temp root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHAOSFLOW_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def prefect_server():
    """One real (temporary, SQLite) Prefect API for every flow test in the session."""
    import prefect.settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        # Dask worker processes inherit the env var, so they report to this server too.
        os.environ["PREFECT_API_URL"] = prefect.settings.PREFECT_API_URL.value()
        yield
        os.environ.pop("PREFECT_API_URL", None)


def tiny_spec_dict(**over) -> dict:
    spec = {
        "dataset": {
            "name": "tiny",
            "systems": ["Lorenz", "Rossler"],
            "n_train": 4,
            "n_test": 2,
            "n_points": 300,
            "shard_size": 2,
            "substeps": 4,
        },
        "train": {
            "models": ["persistence", "shplrnn"],
            "seeds": [0],
            "config": {"n_steps": 60, "eval_every": 30},
            "max_train_points": 200,
        },
        "evaluate": {"horizon": 50, "n_generate": 300},
        "cluster": {"kind": "local", "n_workers": 2},
    }
    for key, value in over.items():
        spec[key] = {**spec[key], **value}
    return spec


@pytest.fixture
def tiny_spec():
    from chaosflow.specs import load_spec

    return load_spec(tiny_spec_dict())
