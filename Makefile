# dialtime: the two commands that matter are `make demo` and `make test`.
CARGO ?= cargo
PYTHON ?= python3
# A fresh virtualenv per run: the Python suite tests the wheel exactly as `pip install` builds it.
PY_VENV := build/python-venv

NODE_PACK := build/node-pack

.PHONY: demo test lint test-rust test-python python test-node node bench emulator clean

## demo: build and run the quickstart (embedded emulator, saves the documented example group)
demo:
	$(CARGO) run --quiet --locked -p dialtime --example quickstart

## test: every suite in the repository, with formatting and lint gates
test: lint test-rust test-python test-node

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

## node: build the addon with @napi-rs/cli (from npm, into bindings-node/node_modules); the
## generated index.d.ts must equal the committed one
node:
	cd bindings-node && npm install --no-audit --no-fund --loglevel=error
	mkdir -p build && cp bindings-node/index.d.ts build/index.d.ts.committed
	cd bindings-node && npx napi build --release --dts index.d.ts --no-const-enum
	@cmp -s build/index.d.ts.committed bindings-node/index.d.ts || { \
	  diff -u build/index.d.ts.committed bindings-node/index.d.ts; \
	  echo "bindings-node/index.d.ts is stale: commit the regenerated file"; exit 1; }

test-node: node
	cd bindings-node && node --test test/
	cd bindings-node && npx tsc -p examples
	cd bindings-node && node examples/quickstart.cjs > /dev/null && node examples/quickstart.mjs > /dev/null
	rm -rf $(NODE_PACK) && mkdir -p $(NODE_PACK)/from-tarball $(NODE_PACK)/from-folder
	cd bindings-node && npm pack --silent --pack-destination ../$(NODE_PACK) > /dev/null
	cd $(NODE_PACK)/from-tarball && npm init -y > /dev/null && \
	  npm install --offline --no-audit --no-fund --loglevel=error ../dialtime-*.tgz && \
	  cp ../../../bindings-node/scripts/consumer.cjs . && node consumer.cjs
	cd $(NODE_PACK)/from-folder && npm init -y > /dev/null && \
	  npm install --no-audit --no-fund --loglevel=error ../../../bindings-node && \
	  cp ../../../bindings-node/scripts/consumer.cjs . && node consumer.cjs

## bench: latency of one create against the local emulator: Rust (dialtime vs raw reqwest),
## Python (dialtime sync/async vs http.client and requests, from the freshly built wheel) and
## Node (dialtime vs fetch/undici and http.request)
bench: python node
	$(CARGO) run --quiet --locked --release -p dialtime --example bench
	$(PY_VENV)/bin/pip install --quiet requests
	$(PY_VENV)/bin/python bindings-python/benches/bench.py
	cd bindings-node && node benches/bench.mjs

## emulator: run the emulator as a process on port 8787
emulator:
	$(CARGO) run --quiet --locked -p dialtime-emulator -- --port 8787

clean:
	$(CARGO) clean
