# The README's commands. `make run` and `make test` each do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install models index run test test-fast lint bench eval clean llm
# llama-cpp-python has no wheel for this Python on PyPI and takes ~10 min to build on 2 cores: build it once
# into a cache that outlives the checkout, so only a fresh machine pays.
WHEEL_CACHE ?= $(HOME)/.cache/bluebook-qa/wheels
LLAMA_CPP := llama-cpp-python==0.3.36

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

llm: $(INSTALLED)
	mkdir -p $(WHEEL_CACHE)
	ls $(WHEEL_CACHE)/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1 || \
		CMAKE_ARGS="-DLLAMA_CURL=OFF" $(BIN)/pip wheel --no-deps -w $(WHEEL_CACHE) $(LLAMA_CPP)
	$(BIN)/pip install --disable-pip-version-check --find-links $(WHEEL_CACHE) '$(LLAMA_CPP)' \
		'llama-cpp-python[server]==0.3.36'
	$(BIN)/bluebook-qa models --llm

test: models llm
	$(BIN)/python -m pytest -q -ra

test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(INSTALLED)
	$(BIN)/ruff check index service tests bench

# The product against a naive LangChain peer under 1, 16 and 32 concurrent clients (a few minutes).
bench: index
	$(BIN)/pip install --disable-pip-version-check -q -r bench/requirements.txt
	$(BIN)/python bench/serve_bench.py

clean:
	rm -rf var .pytest_cache
