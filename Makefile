# Two commands do all set-up: `make sync` (main job) and `make test` (whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: sync test lint check bench screenshot clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

sync: $(STAMP)
	$(BIN)/pipeline sync

test: $(STAMP)
	$(BIN)/python -m pytest -n auto -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/pipeline check

bench: $(STAMP)
	$(BIN)/python benchmarks/report_corpus.py

screenshot: $(STAMP)
	$(BIN)/python docs/screenshot.py

clean:
	rm -rf $(VENV) build .pipeline
