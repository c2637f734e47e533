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
BIND ?= 127.0.0.1:8080

.PHONY: help run test setup build check lint fmt test-only test-browser frontend sqlx-prepare \
        sqlx-check sample bench-import bench-frontend bench-eligibility bench-lottery db-start db-stop db-status db-reset

# trunk finds wasm-opt (npm's binaryen) here; see Trunk.toml.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
FRONTEND_SOURCES := $(shell find frontend domain/src -type f) domain/Cargo.toml Trunk.toml Cargo.toml Cargo.lock package-lock.json scripts/frontend.sh
# release: what visitors get (wasm-release profile, wasm-opt); test: quicker to build, larger.
FRONTEND_MODE ?= release

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
	@$(MAKE) --no-print-directory lint
	@url=$$(scripts/db.sh start test); \
	DATABASE_URL="$$url" $(MAKE) --no-print-directory sqlx-check test-only test-browser

test-only: ## run the tests (needs DATABASE_URL of a PostGIS cluster; make test sets it)
	$(CARGO) build --locked -p sidelot-server --bin sidelot
	$(CARGO) nextest run --locked --workspace --no-fail-fast

frontend: ## build the browser apps into dist/ (when their sources or FRONTEND_MODE changed)
	@[ "$$(cat dist/.build-mode 2>/dev/null)" = "$(FRONTEND_MODE)" ] || rm -f dist/index.html
	@$(MAKE) --no-print-directory dist/index.html

dist/index.html: $(FRONTEND_SOURCES)
	scripts/frontend.sh dist $(FRONTEND_MODE)

test-browser: frontend ## the map in headless Chromium (needs DATABASE_URL of a PostGIS cluster)
	$(CARGO) build --locked -p sidelot-server --bin sidelot
	@base=$${DATABASE_URL%%\?*}; query=$${DATABASE_URL#"$$base"}; \
	PGOPTIONS='-c client_min_messages=warning' psql "$${base%/*}/postgres$$query" -q \
	  -c 'drop database if exists sidelot_browser with (force)' -c 'create database sidelot_browser'; \
	SIDELOT_BIN=target/debug/sidelot SIDELOT_DIST=dist DATABASE_URL="$${base%/*}/sidelot_browser$$query" \
	  node --test --test-concurrency=1 tests/browser/

lint: ## formatting and clippy, warnings denied
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	$(CARGO) clippy --locked -p sidelot-domain -p sidelot-frontend --target wasm32-unknown-unknown -- -D warnings

fmt: ## format the code
	$(CARGO) fmt --all

setup: ## install what is missing (Debian packages, cargo tools); idempotent
	@scripts/setup.sh run

build: ## build the release binary target/release/sidelot
	$(CARGO) build --release --locked -p sidelot-server

# A throwaway database on the test cluster, migrated by sqlx-cli (the binary
# may not build before .sqlx/ is prepared).
define prepare_db
	base=$${DATABASE_URL%%\?*}; query=$${DATABASE_URL#"$$base"}; \
	admin="$${base%/*}/postgres$$query"; check="$${base%/*}/sidelot_sqlx$$query"; \
	PGOPTIONS='-c client_min_messages=warning' psql "$$admin" -q -c 'drop database if exists sidelot_sqlx' -c 'create database sidelot_sqlx'; \
	$(CARGO) sqlx migrate run --source migrations --database-url "$$check" >/dev/null
endef

sqlx-check: ## check that .sqlx/ matches the queries and migrations (needs DATABASE_URL)
	@$(prepare_db); DATABASE_URL="$$check" SQLX_OFFLINE=false $(CARGO) sqlx prepare --workspace --check

sqlx-prepare: ## regenerate .sqlx/ after changing a query or a migration
	@url=$$(scripts/db.sh start test); DATABASE_URL="$$url"; $(prepare_db); \
	DATABASE_URL="$$check" SQLX_OFFLINE=false $(CARGO) sqlx prepare --workspace

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
