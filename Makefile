# Two commands matter on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SCALE ?= 0.1

.PHONY: venv demo test lint contract-docs bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# constraints.txt pins every transitive package: installs are reproducible.
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/scorecard demo --scale $(SCALE)

test: venv
	$(BIN)/ruff check scorecard tests orchestration
	$(BIN)/pytest -n 2

lint: venv
	$(BIN)/ruff check scorecard tests orchestration
	$(BIN)/ruff format --check scorecard tests orchestration

contract-docs: venv
	$(BIN)/scorecard contract-docs

bench: venv
	$(BIN)/scorecard bench ingest --scale 1

clean:
	rm -rf var target logs
