# make run: the baseline experiment and its report, in a new folder; make test: lint, types and every test (CI);
# make test-fast: the same without the slow and browser tests. All build .venv themselves, with the
# exact versions of requirements.lock; make lock updates it (see docs/experiments.md, "Versions").
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements.lock

# The first Python >= 3.12 found: $PYTHON, python3.13/3.12 on PATH, then pyenv's versions, then python3.
PYTHON_FOUND := $(shell for c in "$$PYTHON" python3.13 python3.12 \
	$$(ls -d "$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)"/versions/3.1[2-9]*/bin/python3 2>/dev/null) python3; do \
	[ -n "$$c" ] && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$c"; break; }; \
	done)

.PHONY: run test test-fast lint lock bench bench-app app assets browser clean

$(STAMP): pyproject.toml $(LOCK)
	@if [ -z "$(PYTHON_FOUND)" ]; then echo "error: no Python >= 3.12 found (set PYTHON=/path/to/python3.12)"; exit 1; fi
	@echo "using $(PYTHON_FOUND)"
	"$(PYTHON_FOUND)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(LOCK) -e '.[dev,validate]'
	@touch $(STAMP)

# Re-resolve requirements.lock: the newest versions pyproject.toml allows, installed into a fresh venv
# and frozen. Run `make clean test` with the new lock before committing it.
lock:
	@if [ -z "$(PYTHON_FOUND)" ]; then echo "error: no Python >= 3.12 found (set PYTHON=/path/to/python3.12)"; exit 1; fi
	@set -e; fresh=$$(mktemp -d); trap 'rm -rf "$$fresh"' EXIT; \
	"$(PYTHON_FOUND)" -m venv "$$fresh"; \
	"$$fresh/bin/python" -m pip install --quiet --upgrade pip; \
	"$$fresh/bin/python" -m pip install --quiet -e '.[dev,validate]'; \
	{ echo "# Exact versions make installs (pip install -c $(LOCK) -e '.[dev,validate]'): the versions CI tested."; \
	  echo "# Frozen by make lock with $$("$$fresh/bin/python" --version) on $$(uname -sm); edit pyproject.toml, not this."; \
	  "$$fresh/bin/python" -m pip freeze --exclude-editable; } > $(LOCK)
	@echo "$(LOCK) updated: run make clean test, then commit it"

# The baseline experiment on the local process pool, then its report, in a fresh folder each time:
# runs/out/baseline-<date>-<time> (earlier runs are kept; RUN_OUT=folder to choose one).
ifndef RUN_OUT
RUN_OUT := runs/out/baseline-$(shell date +%Y%m%d-%H%M%S)
endif
run: $(STAMP)
	@echo "make run: writing to $(RUN_OUT)/ (earlier runs in runs/out/ are kept)"
	$(VENV)/bin/bop sweep runs/baseline.toml --out $(RUN_OUT)
	$(VENV)/bin/bop report $(RUN_OUT)
	@echo "make run: results and report in $(RUN_OUT)/"

test: $(STAMP) browser assets
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

# Everything but the slow and browser tests: no Chromium, no assets, a minute or so.
test-fast: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -m "not slow and not browser"

# The visual server (`bop app`, the page in bop/viz/app.py) on 127.0.0.1. Solara's front end and the
# map's outlines come from the npm registry into Solara's asset cache first (its CDN is not reachable
# here): no root and no apt, only npm on the PATH the first time.
APP_PORT ?= 8765
app: assets
	$(VENV)/bin/bop app --port $(APP_PORT)

assets: $(STAMP)
	$(PY) scripts/solara_assets.py

# Debian's Chromium (browser tests, bench-app) and npm, installed with apt-get when missing.
browser:
	bash scripts/browser_deps.sh

bench-app: browser assets
	PYTHONPATH=. $(PY) bench/app_render.py

# Fix what ruff can fix, format, then check types (zero errors allowed).
lint: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/step_speed.py
	$(PY) bench/sweep_speed.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
