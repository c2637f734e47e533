#!/usr/bin/env bash
# A streaming replica (hot standby) of the test cluster, for the tests of
# `sidelot serve --read-database-url`: made fresh by pg_basebackup at each
# start, with a unix socket of its own and no TCP, like the clusters of
# scripts/db.sh.
#
# Usage: scripts/replica.sh start|stop
#   start  (re)create the replica of the running test cluster, start it, and
#          print its URL (database "sidelot"; replace the name as needed)
#   stop   stop and delete it
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PG_USER=postgres
ROOT=$(dirname "$(dirname "$(realpath "${BASH_SOURCE[0]}")")")
DATA=$ROOT/.local/pg-test-replica
PGDATA=$DATA/pgdata
SOCKET=$DATA/socket

say() { printf 'sidelot: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && "$(command -v runuser || echo /usr/sbin/runuser)" -u "$PG_USER" -- "$@")
    else
        "$@"
    fi
}

make_pg_dir() {
    mkdir -p "$1"
    if [[ $EUID -eq 0 ]]; then chown "$PG_USER:$PG_USER" "$1"; fi
    chmod 700 "$1"
}

SLOT=sidelot_replica

# The primary's socket folder (the test cluster, started when it is not).
primary_socket() {
    local primary
    primary=$(env -u DATABASE_URL "$ROOT/scripts/db.sh" start test | tail -n 1)
    primary=${primary##*host=}
    printf '%s\n' "${primary%%&*}"
}

stop() {
    if [[ -f $PGDATA/postmaster.pid ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DATA"
    # The slot would keep the primary's WAL for a replica that is gone.
    "$PG_BIN/psql" -h "$(primary_socket)" -U postgres -d postgres -qAtc \
        "select pg_drop_replication_slot('$SLOT') from pg_replication_slots where slot_name = '$SLOT'" >/dev/null
}

start() {
    [[ -x $PG_BIN/pg_basebackup ]] || die "pg_basebackup not found in $PG_BIN: scripts/setup.sh installs PostgreSQL 15"
    local primary_socket
    primary_socket=$(primary_socket)
    mkdir -p "$ROOT/.local"
    exec 9>"$ROOT/.local/pg-test-replica.lock"
    flock -w 120 9 || die "another scripts/replica.sh is still busy"
    stop
    make_pg_dir "$DATA"
    make_pg_dir "$SOCKET"
    say "copying the test cluster into a replica (pg_basebackup)"
    # A replication slot keeps the WAL the replica has not received yet (the
    # test cluster writes a lot, and keeps none otherwise); stop drops it.
    as_pg "$PG_BIN/pg_basebackup" -h "$primary_socket" -U postgres -D "$PGDATA" -R -X stream -c fast \
        -C -S "$SLOT" >&2 9>&-
    # Its own socket; the rest of the primary's settings are kept.
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$DATA/log" -w -t 60 \
        -o "-c unix_socket_directories='$SOCKET' -c listen_addresses='' -c hot_standby=on" start >&2 9>&-; then
        tail -n 30 "$DATA/log" >&2 || true
        die "the replica did not start"
    fi
    printf 'postgres://postgres@localhost/sidelot?host=%s\n' "$SOCKET"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    *) sed -n '6,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
