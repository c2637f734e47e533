#!/usr/bin/env bash
# Installs what sidelot needs on a Debian 12 machine. Idempotent, and a quick
# no-op (no apt-get update, no network) when everything is already present.
#
# Usage: scripts/setup.sh [run|test|bench]      (default: run)
#   run    Debian packages to build and run the server (PostGIS, PROJ, libclang),
#          and the browser app's tools (wasm32 target, trunk, wasm-bindgen, npm ci)
#   test   run + Chromium and ChromeDriver, rustfmt and clippy, cargo-nextest, and the real
#          OGC API clients: gdal-bin (ogr2ogr) and a Python venv in .local/venv with OWSLib,
#          schemathesis and openapi-spec-validator (scripts/python-requirements.txt),
#          and poppler-utils (pdftoppm, pdftotext: the letters PDF read back)
#   bench  the server's packages + postgis (shp2pgsql), gdal-bin (ogr2ogr), time
set -euo pipefail

ROOT=$(dirname "$(dirname "$(realpath "${BASH_SOURCE[0]}")")")

say() { printf 'sidelot: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

usage() {
    sed -n '5,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
}

MODE=${1:-run}
case $MODE in
    run | test | bench) ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown mode '$MODE' (expected run, test or bench)" ;;
esac
[[ $# -le 1 ]] || { usage; die "too many arguments"; }

# --- Debian packages --------------------------------------------------------
# proj-sys always runs bindgen, hence libclang-dev and clang; ca-certificates
# holds the roots that SMTP over TLS trusts; fonts-dejavu-core the font the
# map's labels are drawn in (server/src/glyphs.rs).
PACKAGES=(postgresql-15-postgis-3 pkg-config libproj-dev libclang-dev clang ca-certificates fonts-dejavu-core)
case $MODE in
    # browser tests (headless); the mail tests' private CA; the OGC API's real clients
    # (GDAL's OAPIF driver, OWSLib in a venv)
    test) PACKAGES+=(chromium chromium-driver openssl gdal-bin python3-venv poppler-utils) ;;
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

# rustfmt and clippy: make test runs its one build through clippy-driver.
ensure_components() {
    local installed
    installed=$(rustup component list --installed 2>/dev/null || true)
    for c in rustfmt clippy; do
        if ! grep -q "^$c" <<<"$installed"; then
            say "adding the rustup component $c"
            rustup component add "$c" >&2
        fi
    done
}

# cargo-fuzz: the readers' coverage-guided fuzzing (scripts/fuzz.sh), on the
# stable toolchain with RUSTC_BOOTSTRAP.
ensure_cargo_fuzz() {
    cargo fuzz --version 2>/dev/null | grep -qF 0.13.2 && return 0
    say "installing cargo-fuzz 0.13.2 (cargo install)"
    tool_install cargo-fuzz --version 0.13.2 --locked
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

# Build tools are built for a quick install, not for top speed: their own
# release profiles ask for fat LTO and one codegen unit (trunk: ~10 minutes on
# 2 cores), which buys nothing measurable for a tool that runs a few seconds.
# One target dir for all of them, so that shared crates build once.
TOOLS_TARGET=${TMPDIR:-/tmp}/sidelot-tools-target
tool_install() {
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        CARGO_PROFILE_RELEASE_OPT_LEVEL=2 CARGO_PROFILE_RELEASE_DEBUG=false \
        CARGO_TARGET_DIR=$TOOLS_TARGET cargo install "$@" >&2
}

have_version() { # have_version CMD VERSION: CMD --version mentions VERSION
    command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep -qF "$2"
}

# The browser app: trunk and wasm-bindgen at the versions Trunk.toml pins
# (see ../shared/STACK.md), and the npm packages of package-lock.json
# (MapLibre, wasm-opt, the browser-test tools).
ensure_frontend_tools() {
    ensure_wasm_target
    if ! have_version trunk 0.21.14; then
        say "installing trunk 0.21.14 (a few minutes, once per machine)"
        # No update check, no TLS: Trunk.toml builds offline with tools from PATH.
        tool_install trunk --version 0.21.14 --locked --no-default-features
    fi
    if ! have_version wasm-bindgen 0.2.130; then
        say "installing wasm-bindgen-cli 0.2.130"
        # Without --locked: its lockfile pins a crate version the registry does not serve.
        tool_install wasm-bindgen-cli --version 0.2.130
    fi
    rm -rf "$TOOLS_TARGET" # the tools' build, once they are installed
    command -v npm >/dev/null || die "npm not found: install Node.js 20 or newer"
    if [[ ! -f $ROOT/node_modules/.package-lock.json || $ROOT/package-lock.json -nt $ROOT/node_modules/.package-lock.json ]]; then
        say "installing the npm packages (npm ci)"
        (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2)
    fi
}

# --- Python (test mode) -----------------------------------------------------
# The Python clients the tests drive, pinned in scripts/python-requirements.txt
# (OWSLib, schemathesis, openapi-spec-validator), in a venv of their own.
VENV=$ROOT/.local/venv
REQUIREMENTS=$ROOT/scripts/python-requirements.txt
ensure_python_venv() {
    if [[ -x $VENV/bin/python ]] && cmp -s "$REQUIREMENTS" "$VENV/.requirements"; then
        return 0
    fi
    command -v python3 >/dev/null || die "python3 not found: install Python 3.11"
    say "creating the Python venv $VENV (OWSLib, schemathesis, openapi-spec-validator)"
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
    cp "$REQUIREMENTS" "$VENV/.requirements"
}

install_packages
ensure_cargo
if [[ $MODE == run || $MODE == test ]]; then
    ensure_frontend_tools
fi
if [[ $MODE == test ]]; then
    ensure_components
    ensure_nextest
    ensure_cargo_fuzz
    rm -rf "$TOOLS_TARGET"
    ensure_python_venv
fi
say "setup ($MODE) ok"
