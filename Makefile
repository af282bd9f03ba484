# dialtime: the two commands that matter are `make demo` and `make test`.
CARGO ?= cargo

.PHONY: demo test lint test-rust bench emulator clean

## demo: build and run the quickstart (embedded emulator, saves the documented example group)
demo:
	$(CARGO) run --quiet --locked -p dialtime --example quickstart

## test: every suite in the repository, with formatting and lint gates
test: lint test-rust

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --locked --workspace

## bench: latency of one create, dialtime vs raw reqwest, against the local emulator
bench:
	$(CARGO) run --quiet --locked --release -p dialtime --example bench

## emulator: run the emulator as a process on port 8787
emulator:
	$(CARGO) run --quiet --locked -p dialtime-emulator -- --port 8787

clean:
	$(CARGO) clean
