# Two entry points: `make run` (the main job on embedded defaults) and `make test` (lint + tests).
# Each creates .venv (Python 3.11) on first use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip setuptools wheel
	$(BIN)/python -m pip install -q -e '.[test,cluster]'
	@touch $(STAMP)

run: $(STAMP)
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/chaosflow run

lint: $(STAMP)
	$(BIN)/ruff format --check chaosflow tests benchmarks
	$(BIN)/ruff check chaosflow tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format chaosflow tests benchmarks
	$(BIN)/ruff check --fix chaosflow tests benchmarks

test: lint
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) chaosflow-data .pytest_cache .ruff_cache
