# Two set-up commands: `make serve` (build and serve the knowledge base) and `make test` (the suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ADDR   ?= 127.0.0.1:8000

.PHONY: serve test lint build clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

serve: $(VENV)/.installed  ## build and serve the knowledge base at http://127.0.0.1:8000
	$(BIN)/kennis serve --dev-addr $(ADDR)

build: $(VENV)/.installed  ## build the site into site/ (strict)
	$(BIN)/mkdocs build --strict

lint: $(VENV)/.installed  ## ruff, ruff format --check and mypy (the same checks as .pre-commit-config.yaml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(VENV)/.installed lint  ## run the whole test suite
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
