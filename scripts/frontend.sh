#!/usr/bin/env bash
# Builds the browser app with trunk into a dist folder.
#
# Usage: scripts/frontend.sh release|test DIST
#   release  the `wasm-release` profile (size first) and wasm-opt: make run, benchmarks
#   test     the `wasm-test` profile (no LTO, no wasm-opt): quicker to build, for make test
set -euo pipefail
say() { printf 'sidelot: %s\n' "$*" >&2; }
[[ $# -eq 2 ]] || { sed -n '4,6s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }
MODE=$1 DIST=$2
ROOT=$(dirname "$(dirname "$(realpath "${BASH_SOURCE[0]}")")")
cd "$ROOT"
export PATH=$ROOT/node_modules/.bin:$PATH TRUNK_SKIP_VERSION_CHECK=true
case $MODE in
    release) args=(--release true --cargo-profile wasm-release) ;;
    test) args=(--release false --cargo-profile wasm-test) ;;
    *) say "unknown mode '$MODE' (expected release or test)"; exit 2 ;;
esac
trunk build "${args[@]}" --dist "$DIST" frontend/index.html
