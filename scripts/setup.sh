#!/usr/bin/env bash
# Installs what sidelot needs on a Debian 12 machine. Idempotent, and a quick
# no-op (no apt-get update, no network) when everything is already present.
#
# Usage: scripts/setup.sh [run|test|bench]      (default: run)
#   run    Debian packages to build and run the server (PostGIS, PROJ, libclang)
#   test   run + gdal-bin (ogrinfo cross-checks), sqlx-cli 0.8.6, cargo-nextest
#   bench  run + postgis (shp2pgsql), gdal-bin (ogr2ogr), time
set -euo pipefail

SQLX_CLI_VERSION=0.8.6

say() { printf 'sidelot: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

usage() {
    sed -n '5,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
}

MODE=${1:-run}
case $MODE in
    run | test | bench) ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown mode '$MODE' (expected run, test or bench)" ;;
esac
[[ $# -le 1 ]] || { usage; die "too many arguments"; }

# --- Debian packages --------------------------------------------------------
# proj-sys always runs bindgen, hence libclang-dev and clang.
PACKAGES=(postgresql-15-postgis-3 pkg-config libproj-dev libclang-dev clang)
case $MODE in
    test) PACKAGES+=(gdal-bin) ;;             # tests cross-check with ogrinfo
    bench) PACKAGES+=(postgis gdal-bin time) ;; # shp2pgsql, ogr2ogr, /usr/bin/time
esac

pkg_installed() {
    # shellcheck disable=SC2016 # ${Status} is a dpkg-query field, not a shell variable
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

install_packages() {
    command -v dpkg-query >/dev/null ||
        die "dpkg-query not found: this script knows Debian only; install these yourself: ${PACKAGES[*]}"

    local missing=() pkg
    for pkg in "${PACKAGES[@]}"; do
        pkg_installed "$pkg" || missing+=("$pkg")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0

    local sudo=()
    if [[ $EUID -ne 0 ]]; then
        command -v sudo >/dev/null ||
            die "not root and no sudo: ask an administrator to install: ${missing[*]}"
        sudo=(sudo)
    fi
    say "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}" >&2
}

# --- Rust tools (test mode) -------------------------------------------------
ensure_cargo() {
    if ! command -v cargo >/dev/null && [[ -f ${CARGO_HOME:-$HOME/.cargo}/env ]]; then
        # shellcheck source=/dev/null
        . "${CARGO_HOME:-$HOME/.cargo}/env"
    fi
    command -v cargo >/dev/null || die "cargo not found: install Rust (rustup) first"
}

# cargo install, retried without --locked when the pinned lockfile does not resolve.
cargo_install() {
    cargo install --locked "$@" || {
        say "cargo install --locked $1 failed; retrying without --locked"
        cargo install "$@"
    }
}

ensure_sqlx_cli() {
    local version
    version=$(cargo sqlx --version 2>/dev/null || true)
    # Prints e.g. "sqlx-cli-sqlx 0.8.6": compare the last word only.
    [[ -n $version && ${version##* } == "$SQLX_CLI_VERSION" ]] && return 0
    say "installing sqlx-cli $SQLX_CLI_VERSION (cargo install; several minutes on 2 cores)${version:+, found: $version}"
    cargo_install sqlx-cli --version "$SQLX_CLI_VERSION" \
        --no-default-features --features postgres,rustls
}

ensure_nextest() {
    cargo nextest --version >/dev/null 2>&1 && return 0
    say "installing cargo-nextest (cargo install)"
    cargo_install cargo-nextest
}

# The domain crate must also build for the browser: `make lint` checks it.
ensure_wasm_target() {
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
        say "adding the rustup target wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown >&2
    fi
}

# Hook for the frontend issue: not installed yet. To come, each one only when
# the tool at that exact version is absent:
#   cargo install trunk --version 0.21.14 --locked
#   cargo install wasm-bindgen-cli --version 0.2.130   (WITHOUT --locked)
ensure_frontend_tools() {
    ensure_wasm_target
}

install_packages
ensure_cargo
if [[ $MODE == test ]]; then
    ensure_sqlx_cli
    ensure_nextest
    ensure_frontend_tools
fi
say "setup ($MODE) ok"
