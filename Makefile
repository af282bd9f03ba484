# dialtime: the two commands that matter are `make demo` and `make test`.
CARGO ?= cargo
PYTHON ?= python3
# A fresh virtualenv per run: the Python suite tests the wheel exactly as `pip install` builds it.
PY_VENV := build/python-venv

.PHONY: demo test lint test-rust test-python python bench emulator clean

## demo: build and run the quickstart (embedded emulator, saves the documented example group)
demo:
	$(CARGO) run --quiet --locked -p dialtime --example quickstart

## test: every suite in the repository, with formatting and lint gates
test: lint test-rust test-python

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --locked --workspace

## python: build the wheel (pip → maturin → cargo) and install it into a fresh venv
python:
	rm -rf $(PY_VENV)
	$(PYTHON) -m venv $(PY_VENV)
	$(PY_VENV)/bin/pip install --quiet ./bindings-python pytest mypy

test-python: python
	$(PY_VENV)/bin/mypy --strict bindings-python/python/dialtime bindings-python/examples
	cd bindings-python && ../$(PY_VENV)/bin/python -m pytest -q -p no:cacheprovider
	$(PY_VENV)/bin/python bindings-python/examples/quickstart.py

## bench: latency of one create against the local emulator: Rust (dialtime vs raw reqwest),
## then Python (dialtime sync/async vs http.client and requests, from the freshly built wheel)
bench: python
	$(CARGO) run --quiet --locked --release -p dialtime --example bench
	$(PY_VENV)/bin/pip install --quiet requests
	$(PY_VENV)/bin/python bindings-python/benches/bench.py

## emulator: run the emulator as a process on port 8787
emulator:
	$(CARGO) run --quiet --locked -p dialtime-emulator -- --port 8787

clean:
	$(CARGO) clean
