# egov-analysis — `make` alone lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
LAB_STAMP := $(VENV)/.installed-lab
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet
TEST_JOBS ?= 2  # pytest-xdist processes; a file stays on one (module fixtures, a notebook's cells)

.DEFAULT_GOAL := help
.PHONY: help install reports clean-data test test-extended lint format lab bench clobber notebook-outputs

help: ## list the targets (coloured on a terminal only)
	@if [ -t 1 ] && [ -z "$$NO_COLOR" ]; then on='\033[36m'; off='\033[0m'; else on=''; off=''; fi; \
	awk -v on="$$on" -v off="$$off" 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %s%-17s%s %s\n", on, $$1, off, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install --upgrade pip
	$(PIP) install -e ".[dev]"
	@touch $@

install: $(STAMP) ## create .venv if missing and install the project with its dev tools

reports: $(STAMP) ## the main job: clean the raw data (if changed), run every report, export HTML
	$(BIN)/egov-analysis build -j 2

test: $(STAMP) ## the test suite, ~4½ min (ruff, mypy, unit, integration, reference, notebook tests; not the extended tier)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src/
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile --nbval-lax tests notebooks

test-extended: $(STAMP) ## the tier CI also runs (~11 min): the full sweep locally and on a local Dask cluster, a real browser
	$(BIN)/python -m pytest --extended -m extended

lint: $(STAMP) ## ruff check and format check only
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## format and fix the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(LAB_STAMP): $(STAMP)
	$(PIP) install -e ".[dev,lab]"
	@touch $@

# JupyterLab refuses to run as root unless told: containers often run as root
LAB_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)
LAB_ARGS ?=

lab: $(LAB_STAMP) ## JupyterLab on the project's environment; extra options: make lab LAB_ARGS="--port 8890"
	cd notebooks && ../$(BIN)/jupyter lab $(LAB_ROOT) $(LAB_ARGS)

notebook-outputs: $(STAMP) ## re-run the notebooks and keep only the outputs of cells tagged keep_output
	$(BIN)/egov-analysis notebooks refresh-outputs

bench: $(STAMP) ## benchmarks side by side at the same parallelism: floor, build, sweep, no-op, cleaning (not part of the tests)
	$(BIN)/python benchmarks/bench_build.py --write benchmarks/RESULTS.md

clean-data: ## remove the build outputs (data/processed, figures, reports), keeping their READMEs
	find data/processed figures reports -mindepth 1 ! -name README.md -exec rm -rf {} +

clobber: clean-data ## also remove the virtual environment
	rm -rf $(VENV)
