# sidelot's command index. A newcomer needs two commands:
#   make run    set up everything, start the local PostGIS, load the sample, serve
#   make test   set up everything, then run every check and test
# `make help` lists the rest.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Queries are checked at compile time against the committed .sqlx/ data, so
# building needs no running database.
export SQLX_OFFLINE := true
CARGO ?= cargo
BIN := target/release/sidelot
SAMPLE := gis-data/sample/sidelot_sample.shp
SAMPLE_OWNERS := gis-data/sample/sidelot_sample_owners.csv
BIND ?= 127.0.0.1:8080

.PHONY: help run test setup build check lint fmt test-build test-only test-browser frontend sqlx-prepare \
        sqlx-check fuzz test-fuzz sample bench-import bench-frontend bench-eligibility bench-lottery bench-tiles bench-load db-start db-stop db-status db-reset

# trunk finds wasm-opt (npm's binaryen) here; see Trunk.toml.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
FRONTEND_SOURCES := $(shell find frontend domain/src -type f) domain/Cargo.toml Trunk.toml Cargo.toml Cargo.lock package-lock.json scripts/frontend.sh

help: ## list the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

run: ## install what is missing, start the local PostGIS, load the sample once, serve on $(BIND)
	@scripts/setup.sh run
	@$(MAKE) --no-print-directory frontend
	@own_db=$${DATABASE_URL:-}; url=$$(scripts/db.sh start dev); \
	$(CARGO) build --release --locked -p sidelot-server; \
	DATABASE_URL="$$url" $(BIN) migrate; \
	if [ -n "$$own_db" ]; then \
	  echo "sidelot: DATABASE_URL is set: serving that database, loading no sample into it"; \
	elif [ "$$(psql "$$url" -tAc "select count(*) from imports where kind = 'parcels' and status = 'succeeded'")" = 0 ]; then \
	  echo "sidelot: loading the sample neighbourhood ($(SAMPLE))"; \
	  DATABASE_URL="$$url" $(BIN) import parcels $(SAMPLE); \
	  echo "sidelot: opening the demo round (gis-data/sample/round.toml) with the sample's city-owned lots"; \
	  DATABASE_URL="$$url" $(BIN) round create gis-data/sample/round.toml; \
	  lots=$$(mktemp); { echo pin; psql "$$url" -Atc "select pin from parcels where source->>'CITY_OWNED' in ('T', 'true') order by pin"; } > "$$lots"; \
	  DATABASE_URL="$$url" $(BIN) import lots --round sample "$$lots"; rm -f "$$lots"; \
	  echo "sidelot: loading the sample's owners of record ($(SAMPLE_OWNERS))"; \
	  DATABASE_URL="$$url" $(BIN) import owners $(SAMPLE_OWNERS); \
	else \
	  echo "sidelot: parcels already loaded; not loading the sample again"; \
	fi; \
	if [ -z "$$own_db" ] && [ "$$(psql "$$url" -tAc 'select count(*) from staff_users')" = 0 ]; then \
	  pw=$$(head -c 18 /dev/urandom | base64 | tr -d '/+='); \
	  if printf '%s\n' "$$pw" | DATABASE_URL="$$url" $(BIN) user add --role admin admin@localhost; then \
	    umask 077; printf 'admin@localhost\n%s\n' "$$pw" > .local/demo-admin; fi; \
	fi; \
	echo "sidelot: open http://$(BIND)/ (the map; the API is under /api)"; \
	[ -s .local/demo-admin ] && echo "sidelot: staff console http://$(BIND)/staff: sign in as $$(sed -n 1p .local/demo-admin), password $$(sed -n 2p .local/demo-admin) (kept in .local/demo-admin)"; \
	DATABASE_URL="$$url" exec $(BIN) serve --bind $(BIND)

test: ## install what is missing, then run every check and test
	@scripts/setup.sh test
	@[ -d ../shared/gis ] || echo "sidelot: WARNING: ../shared/gis is absent: the tests on real Chicago parcels will be skipped"
	$(CARGO) fmt --all --check
	@url=$$(scripts/db.sh start test); \
	DATABASE_URL="$$url" $(MAKE) --no-print-directory test-build test-only test-fuzz test-browser

# One native build serves clippy, the .sqlx/ check, the tests and the binary
# the end-to-end tests run: clippy-driver compiles the workspace's own crates
# (as `cargo clippy` does, but with code generation), so the dependencies are
# compiled once, with the test build's features, and nothing twice. The same
# variables must be set on every cargo call that reuses this build, or cargo
# rebuilds the workspace crates.
CLIPPY_DRIVER := $(shell rustup which clippy-driver 2>/dev/null || command -v clippy-driver)
LINT_BUILD := RUSTC_WORKSPACE_WRAPPER=$(or $(CLIPPY_DRIVER),clippy-driver-not-found) \
	CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__

test-build: ## build everything the tests run, clippy-checked, and check .sqlx/ against a migrated database (needs DATABASE_URL)
	@$(prepare_db); rm -rf target/sqlx-check; mkdir -p target/sqlx-check; touch server/src/lib.rs; \
	echo "$(CARGO) nextest run --no-run (clippy -D warnings on the workspace, queries described by $$check)"; \
	DATABASE_URL="$$check" SQLX_OFFLINE=false SQLX_OFFLINE_DIR=$(CURDIR)/target/sqlx-check \
	  $(LINT_BUILD) $(CARGO) nextest run --locked --workspace --no-run; \
	$(check_sqlx_data)

test-only: ## run the tests (needs DATABASE_URL of a PostGIS cluster; make test sets it)
	$(LINT_BUILD) $(CARGO) nextest run --locked --workspace --no-fail-fast

FUZZ_CASES ?= 50000
FUZZ_SECONDS ?= 300
FUZZ_SECONDS_TEST ?= 3
fuzz: ## the file readers fuzzed longer than make test does: FUZZ_CASES damaged files per reader, then FUZZ_SECONDS of cargo-fuzz per reader (no database)
	@scripts/setup.sh test
	PROPTEST_CASES=$(FUZZ_CASES) $(LINT_BUILD) $(CARGO) nextest run --locked --workspace -E 'test(/import::fuzz::/)'
	scripts/fuzz.sh $(FUZZ_SECONDS)

test-fuzz: ## the readers under cargo-fuzz, FUZZ_SECONDS_TEST seconds each (make test runs it)
	scripts/fuzz.sh $(FUZZ_SECONDS_TEST)

frontend: ## build the browser apps as visitors get them into dist/ (when their sources changed)
	@[ "$$(cat dist/.build-mode 2>/dev/null)" = release ] || rm -f dist/index.html
	@$(MAKE) --no-print-directory dist/index.html

dist/index.html: $(FRONTEND_SOURCES)
	scripts/frontend.sh dist release

# The browser tests' apps: the same pages, built quicker (the wasm-test
# profile, no wasm-opt) and clippy-checked for wasm32 on the way.
TEST_DIST := target/dist-test
$(TEST_DIST)/index.html: $(FRONTEND_SOURCES)
	$(LINT_BUILD) scripts/frontend.sh $(TEST_DIST) test

test-browser: $(TEST_DIST)/index.html ## the map in headless Chromium (needs DATABASE_URL of a PostGIS cluster)
	$(LINT_BUILD) $(CARGO) nextest run --locked --workspace --no-run
	@base=$${DATABASE_URL%%\?*}; query=$${DATABASE_URL#"$$base"}; \
	PGOPTIONS='-c client_min_messages=warning' psql "$${base%/*}/postgres$$query" -q \
	  -c 'drop database if exists sidelot_browser with (force)' -c 'create database sidelot_browser'; \
	SIDELOT_BIN=target/debug/sidelot SIDELOT_DIST=$(TEST_DIST) DATABASE_URL="$${base%/*}/sidelot_browser$$query" \
	  node --test --test-concurrency=1 tests/browser/

lint: ## formatting and clippy, warnings denied (make test does the same inside its one build)
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	$(CARGO) clippy --locked -p sidelot-domain -p sidelot-frontend --target wasm32-unknown-unknown -- -D warnings

fmt: ## format the code
	$(CARGO) fmt --all

setup: ## install what is missing (Debian packages, cargo tools); idempotent
	@scripts/setup.sh run

build: ## build the release binary target/release/sidelot
	$(CARGO) build --release --locked -p sidelot-server

# A throwaway database on the test cluster with the migrations applied by
# psql (each file in one transaction, as the binary would), so that the
# query macros can describe every query against the real schema.
define prepare_db
	base=$${DATABASE_URL%%\?*}; query=$${DATABASE_URL#"$$base"}; \
	admin="$${base%/*}/postgres$$query"; check="$${base%/*}/sidelot_sqlx$$query"; \
	PGOPTIONS='-c client_min_messages=warning' psql "$$admin" -q -c 'drop database if exists sidelot_sqlx with (force)' -c 'create database sidelot_sqlx'; \
	for f in migrations/*.sql; do PGOPTIONS='-c client_min_messages=warning' psql "$$check" -q -X -1 -v ON_ERROR_STOP=1 -f "$$f" >/dev/null; done
endef

# The query data the build just wrote must be exactly the committed .sqlx/.
define check_sqlx_data
	if ! diff -r -q .sqlx target/sqlx-check >/dev/null; then \
	  diff -r -q .sqlx target/sqlx-check | sed 's/^/sidelot: /' >&2; \
	  echo "sidelot: .sqlx/ does not match the queries and migrations: run 'make sqlx-prepare' and commit .sqlx/" >&2; exit 1; \
	fi; echo "sidelot: .sqlx/ matches the queries and migrations"
endef

sqlx-check: ## check that .sqlx/ matches the queries and migrations (needs DATABASE_URL)
	@$(prepare_db); rm -rf target/sqlx-check; mkdir -p target/sqlx-check; touch server/src/lib.rs; \
	DATABASE_URL="$$check" SQLX_OFFLINE=false SQLX_OFFLINE_DIR=$(CURDIR)/target/sqlx-check \
	  $(CARGO) check --locked --workspace --all-targets; \
	$(check_sqlx_data)

sqlx-prepare: ## regenerate .sqlx/ after changing a query or a migration
	@url=$$(scripts/db.sh start test); DATABASE_URL="$$url"; $(prepare_db); \
	rm -rf target/sqlx-check; mkdir -p target/sqlx-check; touch server/src/lib.rs; \
	DATABASE_URL="$$check" SQLX_OFFLINE=false SQLX_OFFLINE_DIR=$(CURDIR)/target/sqlx-check \
	  $(CARGO) check --locked --workspace --all-targets; \
	rm -rf .sqlx; cp -r target/sqlx-check .sqlx; echo "sidelot: .sqlx/ written ($$(ls .sqlx | wc -l) queries)"

sample: ## regenerate the committed sample neighbourhood in gis-data/sample
	$(CARGO) run --locked -q -p sidelot-server --bin sidelot -- sample

bench-import: ## import benchmark: sidelot vs shp2pgsql vs ogr2ogr (see docs/benchmarks.md)
	@scripts/setup.sh bench
	$(CARGO) build --release --locked -p sidelot-server
	@url=$$(scripts/db.sh start test); DATABASE_URL="$$url" scripts/bench-import.sh

bench-frontend: ## the map's download size and time to first parcels painted, beside a plain MapLibre page
	@scripts/setup.sh test
	@$(MAKE) --no-print-directory frontend
	$(CARGO) build --release --locked -p sidelot-server
	@url=$$(scripts/db.sh start test); DATABASE_URL="$$url" node scripts/bench-frontend.mjs

bench-tiles: ## vector tiles of 1,000,000 generated parcels: sidelot beside Martin, cold and warm (see docs/benchmarks.md)
	@scripts/setup.sh test
	$(CARGO) build --release --locked -p sidelot-server
	@url=$$(scripts/db.sh start test); DATABASE_URL="$$url" node scripts/bench-tiles.mjs

bench-load: ## parcels, search, tiles and applications at 64 connections on 200,000 generated parcels: req/s, p50, p99, zero errors (see docs/benchmarks.md)
	@scripts/setup.sh test
	$(CARGO) build --release --locked -p sidelot-server
	@url=$$(scripts/db.sh start test); DATABASE_URL="$$url" node scripts/bench-load.mjs

bench-eligibility: ## p50/p99 of the eligibility pre-check on 1,000,000 generated parcels
	@scripts/setup.sh test
	$(CARGO) build --release --locked -p sidelot-server
	@url=$$(scripts/db.sh start test); DATABASE_URL="$$url" node scripts/bench-eligibility.mjs

bench-lottery: ## drawing a round with 5,000 contested lots: in memory, in PostGIS, and the Python reference
	@scripts/setup.sh test
	@url=$$(scripts/db.sh start test); DATABASE_URL="$$url" $(CARGO) run --release --locked -p sidelot-server --example bench_lottery

db-start: ## start the local PostGIS (created on first use) and print its URL
	@scripts/db.sh start dev

db-stop: ## stop the local PostGIS
	@scripts/db.sh stop dev

db-status: ## is the local PostGIS running, and where is it
	@scripts/db.sh status dev

db-reset: ## delete the local PostGIS and all its data (asks nothing)
	@scripts/db.sh reset dev
