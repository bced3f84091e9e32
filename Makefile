# Two commands on a fresh machine: `make demo` and `make test`. Each builds .venv from the repo's
# own files (pyproject.toml) when it is missing or older than pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint fmt bench schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/campaigns validate
	$(BIN)/campaigns plan --sandbox
	$(BIN)/campaigns apply --sandbox --auto-approve
	$(BIN)/campaigns refresh --sandbox
	$(BIN)/campaigns status --sandbox

# Branch coverage is reported; below 90 % the run fails.
test: $(STAMP)
	$(BIN)/pytest --cov-fail-under=90

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/zizmor --offline --quiet .github/workflows action.yml

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: $(STAMP)
	$(BIN)/python -m reconciler.schema_export schema

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
