# egov-analysis — `make` alone lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
LAB_STAMP := $(VENV)/.installed-lab
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet

.DEFAULT_GOAL := help
.PHONY: help install reports clean-data test lint format lab bench clobber notebook-outputs

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install --upgrade pip
	$(PIP) install -e ".[dev]"
	@touch $@

install: $(STAMP) ## create .venv if missing and install the project with its dev tools

reports: $(STAMP) ## the main job: clean the raw data (if changed), run every report, export HTML
	$(BIN)/egov-analysis build -j 2

test: $(STAMP) ## run the whole test suite (ruff, unit, integration, reference and notebook tests)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval-lax notebooks/

lint: $(STAMP) ## ruff check and format check only
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## format and fix the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(LAB_STAMP): $(STAMP)
	$(PIP) install -e ".[dev,lab]"
	@touch $@

lab: $(LAB_STAMP) ## JupyterLab on the project's environment (egov_analysis importable in every notebook)
	cd notebooks && ../$(BIN)/jupyter lab

notebook-outputs: $(STAMP) ## re-run the notebooks and keep only the outputs of cells tagged keep_output
	$(BIN)/egov-analysis notebooks refresh-outputs

bench: $(STAMP) ## benchmarks side by side: floor, naive, build, no-op, cleaning, import (not part of the tests)
	$(BIN)/python benchmarks/bench_build.py

clean-data: ## remove the build outputs (data/processed, figures, reports), keeping their READMEs
	find data/processed figures reports -mindepth 1 ! -name README.md -exec rm -rf {} +

clobber: clean-data ## also remove the virtual environment
	rm -rf $(VENV)
