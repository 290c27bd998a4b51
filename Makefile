# rectrack developer targets. The virtualenv is (re)installed only when pyproject.toml
# changes, tracked by the stamp file .venv/.installed.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLES := examples/memos/crcl-2022-ice-frd.yaml examples/memos/oig-2024-cbp-hold.yaml

.PHONY: venv test test-faults bench bench-quick lint run clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

# Three xdist workers on 2 cores (much of the suite waits on servers), a module to a
# worker, the longest modules first (tests/conftest.py); mypy checks beside them, and the
# target fails if either does.
test: venv
	$(BIN)/ruff check .
	$(BIN)/mypy . > .mypy.out 2>&1 & mypy=$$!; \
	$(BIN)/python -m pytest -q -n 3 --dist loadfile --no-loadscope-reorder --durations=20; \
	tests=$$?; wait $$mypy; checked=$$?; cat .mypy.out; rm -f .mypy.out; \
	test $$tests -eq 0 && test $$checked -eq 0

# The full fault suite (issue 7): worker and server kills, receiver and store outages
# against real processes, ~7 minutes; writes docs/reliability.md. `make test` runs its
# short version.
test-faults: venv
	RECTRACK_FAULTS=full $(BIN)/python -m pytest tests/faults -q

# The benchmark (issue 12): its own dev server and worker, rectrack against raw Temporal,
# one table; writes bench/results/<date>.json|md|png (bench/README.md). About 15 minutes;
# the quick one about a minute (`make test` runs it as a smoke test). Pass a lever as a
# RECTRACK_* variable, e.g. `RECTRACK_WORKER_CACHED_WORKFLOWS=500 make bench`.
bench: venv
	$(BIN)/python -m bench

bench-quick: venv
	$(BIN)/python -m bench --quick

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy .

run: venv
	$(BIN)/rectrack dev $(addprefix --issue-example ,$(EXAMPLES))

clean:
	rm -rf build *.egg-info .pytest_cache .mypy_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
