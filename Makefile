# The README's commands. `make run` and `make test` each do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install models index run test test-fast lint bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch first, pinned: this platform has its CPU build on disk; unpinned, pip would fetch a multi-GB CUDA build.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --disable-pip-version-check -e '.[test,eval]'
	touch $@

install: $(INSTALLED)

models: $(INSTALLED)
	$(BIN)/bluebook-qa models

index: models
	$(BIN)/bluebook-qa index

run: index
	$(BIN)/bluebook-qa serve --host 127.0.0.1 --port 8000

test: models
	$(BIN)/python -m pytest -q -ra

test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(INSTALLED)
	$(BIN)/ruff check index service tests bench

bench: index
	$(BIN)/python bench/ask_latency.py

clean:
	rm -rf var .pytest_cache
