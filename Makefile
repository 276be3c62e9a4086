# egov-analysis — `make` alone lists the targets.
# Environments are installed from the lock (requirements/*.txt, exact versions with hashes) by uv:
# `make reports` installs only what the build needs, `make test` adds the development tools, and
# `make lab` puts JupyterLab in an environment of its own (.venv-lab) with the project's kernel.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.9
UV     := $(BIN)/uv
REPORTS_STAMP := $(VENV)/.installed-reports
STAMP  := $(VENV)/.installed-dev
LAB_VENV  := .venv-lab
LAB_STAMP := $(LAB_VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet
UV_PIP := $(UV) pip install --quiet --python $(BIN)/python
TEST_JOBS ?= 3  # pytest-xdist processes on 2 cores: a third fills the waits on kernels and locks; a file stays on one

.DEFAULT_GOAL := help
.PHONY: help install install-reports reports clean-data test test-extended lint format lab lock wheel bench clobber notebook-outputs

help: ## list the targets (coloured on a terminal only)
	@if [ -t 1 ] && [ -z "$$NO_COLOR" ]; then on='\033[36m'; off='\033[0m'; else on=''; off=''; fi; \
	awk -v on="$$on" -v off="$$off" 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %s%-17s%s %s\n", on, $$1, off, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install "uv==$(UV_VERSION)"

# the locked dependencies first (every file's hash checked), then the project itself, editable
$(REPORTS_STAMP): requirements/reports.txt pyproject.toml | $(BIN)/python
	$(UV_PIP) --require-hashes -r requirements/reports.txt
	$(UV_PIP) --no-deps -e .
	@touch $@

$(STAMP): requirements/dev.txt pyproject.toml | $(BIN)/python
	$(UV_PIP) --require-hashes -r requirements/dev.txt
	$(UV_PIP) --no-deps -e .
	@touch $@

install-reports: $(REPORTS_STAMP) ## create .venv if missing with what `make reports` needs (from the lock, no dev tools)

install: $(STAMP) ## create .venv if missing with the build and the dev tools (from the lock)

reports: $(REPORTS_STAMP) ## the main job: clean the raw data (if changed), run every report, export HTML
	$(BIN)/egov-analysis build -j 2

test: $(STAMP) ## the test suite, ~5 min (ruff, mypy, unit, integration, reference, notebook tests; not the extended tier)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# mypy checks the types beside the tests (one core for ~20 s); its report follows theirs
	@$(BIN)/mypy src/ > $(VENV)/mypy.log 2>&1 & types=$$!; \
	echo "$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile --nbval-lax tests notebooks   (and $(BIN)/mypy src/)"; \
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile --nbval-lax tests notebooks; tests=$$?; \
	wait $$types; typed=$$?; echo "$(BIN)/mypy src/"; cat $(VENV)/mypy.log; \
	test $$tests -eq 0 && test $$typed -eq 0

test-extended: $(STAMP) ## the tier CI also runs (~30 min): every page of the default set, all 194 profiles, the sweep locally and on a local Dask cluster, a real browser
	$(BIN)/python -m pytest --extended -m "extended or pages"

lint: $(STAMP) ## ruff check and format check only
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## format and fix the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# JupyterLab in its own environment (its dependencies never slow the build's kernels) with the
# project's environment registered as the kernel "egov-analysis", which it starts by default
$(LAB_STAMP): requirements/lab.txt $(REPORTS_STAMP)
	$(PYTHON) -m venv $(LAB_VENV)
	$(UV) pip install --quiet --python $(LAB_VENV)/bin/python --require-hashes -r requirements/lab.txt
	$(BIN)/python -m ipykernel install --prefix $(LAB_VENV) --name egov-analysis --display-name "egov-analysis (.venv)"
	@touch $@

# JupyterLab refuses to run as root unless told: containers often run as root
LAB_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)
LAB_ARGS ?=

lab: $(LAB_STAMP) ## JupyterLab (own environment, the project's kernel); extra options: make lab LAB_ARGS="--port 8890"
	cd notebooks && ../$(LAB_VENV)/bin/jupyter lab --MappingKernelManager.default_kernel_name=egov-analysis $(LAB_ROOT) $(LAB_ARGS)

LOCK := $(UV) pip compile pyproject.toml --quiet --no-header --generate-hashes --universal --python-version 3.11.5

lock: | $(BIN)/python ## rewrite requirements/*.txt from pyproject.toml, keeping the pinned versions that still fit
	$(LOCK) --extra dev -o requirements/dev.txt
	$(LOCK) --extra reports -c requirements/dev.txt -o requirements/reports.txt
	$(LOCK) -c requirements/dev.txt -o requirements/base.txt
	echo "jupyterlab>=4.2" | $(UV) pip compile - --quiet --no-header --generate-hashes --universal --python-version 3.11.5 -o requirements/lab.txt

BUNDLED := src/egov_analysis/bundled

wheel: $(REPORTS_STAMP) ## a wheel in dist/ that carries the processed tables (cleaned first when stale)
	$(BIN)/python -c "import egov_analysis as ea; ea.load('indices')"
	rm -rf build $(BUNDLED) && mkdir -p $(BUNDLED)
	cp -L data/processed/*.parquet data/processed/manifest.json $(BUNDLED)/
	$(UV) build --quiet --wheel --out-dir dist . ; status=$$?; rm -rf build $(BUNDLED); exit $$status

notebook-outputs: $(STAMP) ## re-run the notebooks and keep only the outputs of cells tagged keep_output
	$(BIN)/egov-analysis notebooks refresh-outputs

bench: $(STAMP) ## benchmarks side by side at the same parallelism: floor, build, sweep, no-op, cleaning (not part of the tests)
	$(BIN)/python benchmarks/bench_build.py --write benchmarks/RESULTS.md

clean-data: ## remove the build outputs (data/processed, figures, reports), keeping their READMEs
	find data/processed figures reports -mindepth 1 ! -name README.md -exec rm -rf {} +

clobber: clean-data ## also remove the virtual environments
	rm -rf $(VENV) $(LAB_VENV)
