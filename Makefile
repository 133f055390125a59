# Two entry points: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CODE := $(wildcard src api tests benchmarks)

.PHONY: run test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# the packer's compiled core (mypyc, where a C compiler is found; else it runs as Python)
NATIVE := $(VENV)/.native
$(NATIVE): $(STAMP) src/shipopt/packing/extreme_points_core.py
	$(BIN)/python -c "from shipopt.packing.native import main; main()"
	touch $(NATIVE)

run: $(NATIVE)
	$(BIN)/shipopt demo
	$(BIN)/shipopt sample orders --n 3000 --seed 1 --local-share 0.1 --out out/sample
	$(BIN)/shipopt plan run --orders out/sample/orders.csv --skus out/sample/skus.csv \
		--warehouses out/sample/warehouses.json --boxes examples/boxes.json \
		--config examples/plan.toml --strategy full --out out/plan
	$(BIN)/shipopt plan report out/plan

lint: $(STAMP)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy src

pytest: $(NATIVE)
	$(BIN)/pytest --cov=shipopt --cov-report=term:skip-covered --cov-fail-under=89

test: lint typecheck pytest

bench: $(NATIVE)
	$(BIN)/python -m benchmarks.bench_quote
	$(BIN)/python -m benchmarks.bench_zones
	$(BIN)/python -m benchmarks.bench_api

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
