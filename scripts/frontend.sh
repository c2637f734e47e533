#!/usr/bin/env bash
# Builds sidelot's four browser apps with trunk into one folder that
# `sidelot serve --static-dir` serves:
#
#   DIST/              the public app: the map (/ and any path not below)
#   DIST/forms/        the application form, status page, figures
#                      (/apply, /status/..., /figures)
#   DIST/staff/        the staff console (/staff and /staff/...)
#   DIST/lottery/      the lottery pages and their verifier (/lottery/...)
#
# Usage: scripts/frontend.sh DIST [release|test]
#   release  the `wasm-release` cargo profile (size first: opt-level z, LTO,
#            one codegen unit) and wasm-opt -Oz: what visitors get, what the
#            benchmarks measure (make run, make bench-frontend)
#   test     the `wasm-test` profile (opt-level 1, 16 codegen units) and no
#            wasm-opt: quicker to build, larger, for the browser tests of
#            make test
# The apps are built into a sibling folder and moved into place at the end,
# so a failed build leaves DIST as it was.
set -euo pipefail

dist=${1:?usage: scripts/frontend.sh DIST [release|test]}
mode=${2:-release}
root=$(cd "$(dirname "$0")/.." && pwd)
case $mode in
  release) flags=(--release true --cargo-profile wasm-release) ;;
  test) flags=(--release false --cargo-profile wasm-test) ;;
  *) echo "scripts/frontend.sh: mode is release or test, not $mode" >&2; exit 2 ;;
esac

# trunk finds wasm-opt (npm's binaryen) here; see Trunk.toml.
export PATH="$root/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

mkdir -p "$(dirname "$dist")"
dist=$(cd "$(dirname "$dist")" && pwd)/$(basename "$dist")
stage=$(mktemp -d "$dist.building.XXXXXX")
trap 'rm -rf "$stage"' EXIT

cd "$root"
# The public app first: trunk empties its own dist folder.
build() { # html, dist, public url
  echo "scripts/frontend.sh: $1 -> ${2#"$stage"} ($mode)"
  trunk build "${flags[@]}" --dist "$2" --public-url "$3" "$1"
}
build frontend/index.html "$stage" /
build frontend/forms.html "$stage/forms" /forms/
build frontend/staff.html "$stage/staff" /staff/
build frontend/lottery.html "$stage/lottery" /lottery/
echo "$mode" > "$stage/.build-mode"

rm -rf "$dist"
mv "$stage" "$dist"
trap - EXIT
echo "scripts/frontend.sh: built $dist ($mode)"
