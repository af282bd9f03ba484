#!/usr/bin/env bash
# usage: fuzz/run.sh SECONDS TARGET...   (from the repository root)
#
# Builds the fuzz targets with libFuzzer's coverage instrumentation on the stable toolchain
# (libfuzzer-sys and sanitizer-coverage codegen flags: no cargo-fuzz, no nightly), then runs
# them in parallel for SECONDS each. The committed corpus (fuzz/corpus/TARGET) is replayed
# first and only read; new inputs go to build/fuzz/corpus/TARGET. A crash fails the run and
# leaves its input in build/fuzz/artifacts/TARGET/ (add it to fuzz/corpus and to a test).
set -u
secs=$1; shift
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares -Cllvm-args=-sanitizer-coverage-stack-depth \
 -Cllvm-args=-simplifycfg-branch-fold-threshold=0 --cfg fuzzing"
# The host triple keeps build scripts out of the instrumentation.
triple=$(rustc -vV | sed -n 's/^host: //p')
tdir=${FUZZ_TARGET_DIR:-build/fuzz/target}
cargo build --quiet --locked --manifest-path fuzz/Cargo.toml --profile fuzz --target "$triple" \
  --target-dir "$tdir" $(printf -- '--bin %s ' "$@") || exit 1
pids=()
for t in "$@"; do
  mkdir -p "build/fuzz/corpus/$t" "build/fuzz/artifacts/$t" "fuzz/corpus/$t"
  "$tdir/$triple/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$t/" \
    "build/fuzz/corpus/$t" "fuzz/corpus/$t" >"build/fuzz/artifacts/$t/log.txt" 2>&1 &
  pids+=($!)
done
rc=0; i=0
for t in "$@"; do
  if wait "${pids[$i]}"; then
    echo "fuzz $t: ok, $(grep -m1 -o 'number_of_executed_units: [0-9]*' "build/fuzz/artifacts/$t/log.txt" | cut -d' ' -f2) inputs in ${secs}s"
  else
    r=$?; rc=1
    echo "fuzz $t: FAILED (exit $r); the input is in build/fuzz/artifacts/$t/"
    tail -n 40 "build/fuzz/artifacts/$t/log.txt"
  fi
  i=$((i+1))
done
exit $rc
