# dialtime: the two commands that matter are `make demo` and `make test`.
CARGO ?= cargo
PYTHON ?= python3
# A fresh virtualenv per run: the Python suite tests the wheel exactly as `pip install` builds it.
PY_VENV := build/python-venv

NODE_PACK := build/node-pack
C_BUILD := build/c
CC ?= cc
CXX ?= c++
C_WARNINGS := -Wall -Wextra -Werror
# Any leak or invalid access fails the run (the shared runtime's threads outlive main: "still
# reachable" and "possibly lost" are expected, definite and indirect leaks are not).
VALGRIND := valgrind --quiet --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect

.PHONY: demo test lint test-rust test-python python test-node node test-c header bench emulator clean

## demo: build and run the quickstart (embedded emulator, saves the documented example group)
demo:
	$(CARGO) run --quiet --locked -p dialtime --example quickstart

## test: every suite in the repository, with formatting and lint gates
test: lint test-rust test-c test-python test-node

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --locked --workspace

## header: regenerate include/dialtime.h with the pinned cbindgen (commit the result)
header:
	DIALTIME_BLESS=1 $(CARGO) test --locked -p dialtime-c --test header

## test-c: the C and C++ tests, -Wall -Wextra -Werror, against the static and the shared
## library, under valgrind (the header's staleness is checked by cargo test)
test-c:
	$(CARGO) build --locked -p dialtime-c
	mkdir -p $(C_BUILD)
	python3 bindings-c/tests/c/vectors_to_text.py tests/vectors > $(C_BUILD)/vectors.txt
	$(CC) -std=c11 $(C_WARNINGS) -g -Iinclude bindings-c/tests/c/test_dialtime.c \
	  target/debug/libdialtime.a -lpthread -ldl -lm -o $(C_BUILD)/test_static
	$(CC) -std=c11 $(C_WARNINGS) -g -Iinclude bindings-c/tests/c/test_dialtime.c \
	  -Ltarget/debug -Wl,-rpath,$(CURDIR)/target/debug -ldialtime -o $(C_BUILD)/test_shared
	$(CXX) -std=c++17 $(C_WARNINGS) -g -Iinclude bindings-c/tests/cpp/test_dialtime.cpp \
	  target/debug/libdialtime.a -lpthread -ldl -lm -o $(C_BUILD)/test_cpp
	$(VALGRIND) $(C_BUILD)/test_static $(C_BUILD)/vectors.txt
	$(VALGRIND) $(C_BUILD)/test_shared $(C_BUILD)/vectors.txt
	$(VALGRIND) $(C_BUILD)/test_cpp

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
