#!/usr/bin/env bash
# Fuzz one target of fuzz/ with libFuzzer on the stable toolchain (the
# coverage instrumentation cargo-fuzz adds, without its nightly-only
# sanitizer), for SECONDS (default 60):
#
#   scripts/fuzz.sh detect_logs [SECONDS]      # targets: fuzz/fuzz_targets/*.rs
#
# With a nightly toolchain, `cargo fuzz run TARGET` works as well.
# Crashes are written to fuzz/artifacts/TARGET/, the corpus to
# fuzz/corpus/TARGET/ (both ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
TARGET=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
SECONDS_MAX=${2:-60}
TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares \
 -Cdebug-assertions -Coverflow-checks" \
  cargo build --release --bin "$TARGET" --target "$TRIPLE"
mkdir -p "corpus/$TARGET" "artifacts/$TARGET"
"$CARGO_TARGET_DIR/$TRIPLE/release/$TARGET" "corpus/$TARGET" \
  -artifact_prefix="artifacts/$TARGET/" -max_total_time="$SECONDS_MAX" -max_len=65536
