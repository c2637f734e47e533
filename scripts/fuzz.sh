#!/usr/bin/env bash
# The file readers under cargo-fuzz (fuzz/): every target run for SECONDS
# (default 10), its corpus started from the generated sample (each target
# writes its seed) and from every input found before (fuzz/regressions/).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# make test runs it for a few seconds per target; make fuzz for longer. A
# crash fails the run and names the input libFuzzer kept: copy it into
# fuzz/regressions/TARGET/ (the server's tests read every file there), then
# fix the reader. Needs cargo-fuzz (scripts/setup.sh test installs it).
# RUSTC_BOOTSTRAP lets the stable toolchain take the -Z flags cargo-fuzz
# passes; no nightly is needed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EACH=${1:-10}
shift || true
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(shp shx dbf prj cpg geojson zip csv wkt esri gpkg fgb)
say() { echo "fuzz: $*" >&2; }

export RUSTC_BOOTSTRAP=1 SQLX_OFFLINE=true SQLX_OFFLINE_DIR=$ROOT/.sqlx
# The fuzz build has flags of its own: a target dir of its own, under target/.
BUILD=$ROOT/target/fuzz-build
WORK=$ROOT/target/fuzz
TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
# --sanitizer none: the readers are safe Rust, and what is looked for is a
# panic; coverage guidance stays.
FLAGS=(--sanitizer none --target "$TRIPLE" --target-dir "$BUILD")

cd "$ROOT/fuzz"
say "building ${#TARGETS[@]} targets"
cargo fuzz build "${FLAGS[@]}" >&2
failed=()
for t in "${TARGETS[@]}"; do
    bin=$BUILD/$TRIPLE/release/$t
    [[ -x $bin ]] || { say "the target $t was not built"; exit 1; }
    corpus=$WORK/corpus/$t
    artifacts=$WORK/artifacts/$t
    mkdir -p "$corpus" "$artifacts"
    SIDELOT_FUZZ_WRITE_SEED=$corpus "$bin" 2>/dev/null || { say "the seed of $t could not be written"; exit 1; }
    log=$WORK/$t.log
    if "$bin" "$corpus" "$ROOT/fuzz/regressions/$t" -max_total_time="$EACH" \
        -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        say "$t: ${runs:-?} inputs in ${EACH} s, no crash"
    else
        failed+=("$t")
        say "$t: the reader crashed; libFuzzer kept the input in $artifacts/ (log: $log)"
        grep -E '^(thread|panicked|==[0-9]+==|SUMMARY)' "$log" | head -5 >&2 || true
    fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
    say "crashed: ${failed[*]}. Copy each input into fuzz/regressions/TARGET/ and fix the reader."
    exit 1
fi
