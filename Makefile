# Two commands matter on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SCALE ?= 0.1

.PHONY: venv demo test lint contract-docs bench clean dagster docs report

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# constraints.txt pins every transitive package: installs are reproducible.
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/scorecard demo --scale $(SCALE)

# Dagster UI (http://127.0.0.1:3000) on the demo warehouse; Dagster's own state lives in
# <home>/dagster, never in the repository. Builds the demo first when there is none.
# `dg dev` (dagster-dg-cli) is what Dagster 1.13 runs; `dagster dev` warns it is superseded.
SCORECARD_HOME ?= $(CURDIR)/var
DAGSTER_PORT ?= 3000
dagster: HOME_DIR := $(abspath $(SCORECARD_HOME))
dagster: venv
	@test -d "$(HOME_DIR)/landing" || SCORECARD_HOME="$(HOME_DIR)" $(BIN)/scorecard demo --scale $(SCALE)
	mkdir -p "$(HOME_DIR)/dagster"
	cp orchestration/dagster.yaml "$(HOME_DIR)/dagster/dagster.yaml"
	SCORECARD_HOME="$(HOME_DIR)" DAGSTER_HOME="$(HOME_DIR)/dagster" \
		$(BIN)/dg dev -m orchestration.definitions -h 127.0.0.1 -p $(DAGSTER_PORT)

# SQL style (.sqlfluff): the models and the singular data tests. `sqlfluff fix` with the
# same paths applies it (README, Development).
SQL_PATHS := models data-tests

test: venv
	$(BIN)/ruff check scorecard tests orchestration lint
	$(BIN)/sqlfluff lint $(SQL_PATHS) --processes 2
	$(BIN)/pytest -n 2

lint: venv
	$(BIN)/ruff check scorecard tests orchestration lint
	$(BIN)/ruff format --check scorecard tests orchestration lint
	$(BIN)/sqlfluff lint $(SQL_PATHS) --processes 2

contract-docs: venv
	$(BIN)/scorecard contract-docs

# dbt docs (lineage with exposures) and the HTML report of the demo's latest quarter.
docs: venv
	$(BIN)/scorecard docs

report: venv
	$(BIN)/scorecard report

bench: venv
	$(BIN)/scorecard bench ingest --scale 1

clean:
	rm -rf var target logs
