#!/usr/bin/env bash
# Manages sidelot's private PostGIS clusters (PostgreSQL 15): no TCP, one unix
# socket in a private folder, superuser "postgres" with trust auth on it.
#
# Usage: scripts/db.sh start|stop|status|reset|url [dev|test]   (default: dev)
#   start   initialise when missing, start, print the database URL (last stdout line)
#   stop    stop the cluster (fast shutdown)
#   status  say where it lives and whether it runs (exit 0 even when stopped)
#   reset   stop and delete the cluster, without asking
#   url     print the database URL (starting the cluster when needed)
#
# DATABASE_URL=$(scripts/db.sh start test) works: messages go to stderr. When
# DATABASE_URL is already set, start/url only echo it back and start nothing.
# The test cluster trades durability for speed (fsync=off): never keep data there.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PG_USER=postgres                  # system user that runs the server when we are root
PG_PORT=5432                      # only names the socket file; no TCP listener
SOCKET_MAX=90                     # longest socket folder path we accept
if [[ $EUID -eq 0 ]]; then OWNER=$PG_USER; else OWNER=$(id -un); fi

say() { printf 'sidelot: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

usage() {
    sed -n '5,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
}

CMD=${1:-}
NAME=${2:-dev}
case $CMD in
    start | stop | status | reset | url) ;;
    -h | --help) usage; exit 0 ;;
    '') usage; die "missing command" ;;
    *) usage; die "unknown command '$CMD'" ;;
esac
case $NAME in
    dev | test) ;;
    *) usage; die "unknown cluster '$NAME' (expected dev or test)" ;;
esac
[[ $# -le 2 ]] || { usage; die "too many arguments"; }

# Keep the caller's libpq settings from steering our own psql/pg_ctl calls.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGOPTIONS PGDATA

ROOT=$(dirname "$(dirname "$(realpath "${BASH_SOURCE[0]}")")")
HASH=$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
LOCAL=$ROOT/.local
LOCATION_FILE=$LOCAL/pg-$NAME.location
URL_FILE=$LOCAL/$NAME-database-url
LOCAL_DATA=$LOCAL/pg-$NAME                      # preferred: inside the checkout
FALLBACK_BASE=/var/tmp/sidelot-$HASH
FALLBACK_DATA=$FALLBACK_BASE/pg-$NAME           # when postgres cannot reach the checkout
SHORT_SOCKET=/tmp/sidelot-$HASH-$NAME           # when the socket path would be too long

# Run a command as the server's owner: postgres when we are root, else ourselves.
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        # runuser lives in sbin, which a minimal PATH may leave out.
        (cd / && "$(command -v runuser || echo /usr/sbin/runuser)" -u "$PG_USER" -- "$@")
    else
        "$@"
    fi
}

# Make a folder owned by the server's owner with the given mode.
make_pg_dir() {
    local dir=$1 mode=$2
    mkdir -p "$dir"
    if [[ $EUID -eq 0 ]]; then chown "$PG_USER:$PG_USER" "$dir"; fi
    chmod "$mode" "$dir"
}

check_binaries() {
    [[ -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl && -x $PG_BIN/psql ]] ||
        die "PostgreSQL 15 not found in $PG_BIN: run scripts/setup.sh"
    [[ -f /usr/share/postgresql/15/extension/postgis.control ]] ||
        die "PostGIS for PostgreSQL 15 is missing: run scripts/setup.sh"
    if [[ $EUID -eq 0 ]]; then
        id -u "$PG_USER" >/dev/null 2>&1 || die "system user '$PG_USER' missing: run scripts/setup.sh"
    fi
}

ensure_local() {
    if [[ ! -d $LOCAL ]]; then
        mkdir -p "$LOCAL" 2>/dev/null || die "cannot create $LOCAL"
        chmod 0755 "$LOCAL"
    fi
    [[ -w $LOCAL ]] || die "$LOCAL is not writable"
}

# Sets DATA from the recorded location, when that record belongs to this checkout
# (a record pointing elsewhere comes from a copied or moved checkout: ignored).
# Without a usable record, an existing cluster in one of our locations is adopted.
load_location() {
    DATA=
    if [[ -f $LOCATION_FILE ]]; then
        local recorded
        recorded=$(<"$LOCATION_FILE")
        if [[ $recorded == "$LOCAL_DATA" || $recorded == "$FALLBACK_DATA" ]]; then
            [[ -d $recorded ]] && { DATA=$recorded; return 0; }
        else
            say "ignoring $LOCATION_FILE: it points to $recorded, not a location of this checkout"
        fi
    fi
    local dir
    for dir in "$LOCAL_DATA" "$FALLBACK_DATA"; do
        if [[ -f $dir/data/PG_VERSION && -w ${LOCATION_FILE%/*} ]]; then
            DATA=$dir
            printf '%s\n' "$DATA" >"$LOCATION_FILE"
            return 0
        fi
    done
    return 1
}

# Sets DATA for a cluster about to be created, and records it.
choose_location() {
    ensure_local
    make_pg_dir "$LOCAL_DATA" 0700
    if as_pg test -w "$LOCAL_DATA" && as_pg test -x "$LOCAL_DATA"; then
        DATA=$LOCAL_DATA
    else
        rmdir "$LOCAL_DATA" 2>/dev/null || true
        DATA=$FALLBACK_DATA
        say "user '$PG_USER' cannot reach $ROOT (a parent folder is not searchable by others);"
        say "the $NAME cluster's data goes to $DATA instead"
        if [[ ! -d $FALLBACK_BASE ]]; then
            mkdir -p "$FALLBACK_BASE"
            chmod 0755 "$FALLBACK_BASE"
        fi
        make_pg_dir "$DATA" 0700
        as_pg test -w "$DATA" || die "user '$PG_USER' cannot write $DATA either"
    fi
    printf '%s\n' "$DATA" >"$LOCATION_FILE"
}

# Derives PGDATA, LOG, SOCKET and URL from DATA.
set_paths() {
    PGDATA=$DATA/data
    LOG=$DATA/postgres.log
    SOCKET=$DATA/socket
    if [[ ${#SOCKET} -gt $SOCKET_MAX ]]; then
        SOCKET=$SHORT_SOCKET
    fi
    URL="postgres://postgres@localhost/sidelot?host=$(urlencode "$SOCKET")"
}

urlencode() {
    local LC_ALL=C s=$1 out='' c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9/._~-]) out+=$c ;;
            *) printf -v c '%%%02X' "'$c"; out+=$c ;;
        esac
    done
    printf '%s' "$out"
}

is_initialised() { [[ -n ${DATA:-} && -f $PGDATA/PG_VERSION ]]; }

is_running() {
    is_initialised && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

ensure_socket_dir() {
    [[ $SOCKET == "$SHORT_SOCKET" ]] || { make_pg_dir "$SOCKET" 0700; return 0; }
    say "socket path under $DATA would be too long; using $SOCKET"
    if [[ -e $SOCKET ]]; then
        # Refuse a folder someone else prepared in the shared /tmp.
        [[ -d $SOCKET && ! -L $SOCKET && $(stat -c %U "$SOCKET") == "$OWNER" ]] ||
            die "$SOCKET exists but is not a folder owned by $OWNER: remove it and retry"
    fi
    make_pg_dir "$SOCKET" 0700
}

init_cluster() {
    if [[ -d $PGDATA ]]; then
        say "removing half-initialised $PGDATA"
        rm -rf "$PGDATA"
    fi
    say "initialising the $NAME cluster in $PGDATA"
    local args=(-D "$PGDATA" -U postgres --auth-local=trust --auth-host=reject --encoding=UTF8)
    if ! as_pg "$PG_BIN/initdb" "${args[@]}" --locale=C.UTF-8 >"$DATA/initdb.log" 2>&1; then
        say "initdb with locale C.UTF-8 failed; retrying with --no-locale"
        rm -rf "$PGDATA"
        as_pg "$PG_BIN/initdb" "${args[@]}" --no-locale >"$DATA/initdb.log" 2>&1 || {
            tail -n 30 "$DATA/initdb.log" >&2
            die "initdb failed (log: $DATA/initdb.log)"
        }
    fi
    printf "\n# sidelot: settings written by scripts/db.sh at every start\ninclude_if_exists = 'sidelot.conf'\n" \
        >>"$PGDATA/postgresql.conf"
}

# Rewritten at every start so the socket path follows the checkout.
write_settings() {
    local conf
    conf="listen_addresses = ''
unix_socket_directories = '$SOCKET'
port = $PG_PORT
shared_buffers = 256MB"
    if [[ $NAME == test ]]; then
        # Throwaway databases: speed over durability.
        conf+="
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off"
    else
        conf+="
max_connections = 100"
    fi
    printf '%s\n' "$conf" | as_pg tee "$PGDATA/sidelot.conf" >/dev/null
}

psql_as_postgres() {
    local db=$1
    shift
    PGOPTIONS='-c client_min_messages=warning' \
        "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET" -p "$PG_PORT" -U postgres -d "$db" "$@"
}

# PostGIS in template1, so every new database (sqlx::test's included) has it.
prepare_databases() {
    psql_as_postgres template1 -c 'CREATE EXTENSION IF NOT EXISTS postgis' >&2
    if [[ -z $(psql_as_postgres postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'sidelot'") ]]; then
        say "creating database sidelot"
        psql_as_postgres postgres -c 'CREATE DATABASE sidelot' >&2
    fi
    psql_as_postgres sidelot -c 'CREATE EXTENSION IF NOT EXISTS postgis' >&2
}

publish_url() {
    printf '%s\n' "$URL" >"$URL_FILE"
    printf '%s\n' "$URL"
}

# Serialise start/stop/reset of one cluster.
lock() {
    ensure_local
    exec 9>"$LOCAL/pg-$NAME.lock"
    flock -w 120 9 || die "another scripts/db.sh is still busy with the $NAME cluster ($LOCAL/pg-$NAME.lock)"
}

cmd_start() {
    if [[ -n ${DATABASE_URL:-} ]]; then
        say "DATABASE_URL is set; not starting a local cluster"
        printf '%s\n' "$DATABASE_URL"
        return 0
    fi
    check_binaries
    lock
    load_location || choose_location
    set_paths
    if is_running; then
        publish_url
        return 0
    fi
    ensure_socket_dir
    is_initialised || init_cluster
    write_settings
    say "starting the $NAME cluster (data: $DATA)"
    # 9>&-: the server must not inherit (and keep holding) our lock.
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$LOG" -w -t 60 start >&2 9>&-; then
        say "start failed; last lines of $LOG:"
        tail -n 30 "$LOG" >&2 || true
        exit 1
    fi
    prepare_databases
    publish_url
}

cmd_stop() {
    lock
    if ! load_location; then
        say "the $NAME cluster is not initialised"
        return 0
    fi
    set_paths
    if is_running; then
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >&2
    else
        say "the $NAME cluster is not running"
    fi
}

cmd_status() {
    if ! load_location; then
        echo "$NAME cluster: not initialised (start it with scripts/db.sh start $NAME)"
        return 0
    fi
    set_paths
    local state='stopped'
    if ! is_initialised; then
        state='not initialised'
    elif is_running; then
        state="running (pid $(head -n 1 "$PGDATA/postmaster.pid"))"
    fi
    echo "$NAME cluster: $state"
    echo "  data:   $PGDATA"
    echo "  log:    $LOG"
    echo "  socket: $SOCKET"
    echo "  url:    $URL"
    if [[ $state == running* ]]; then
        echo "  postgis: $(psql_as_postgres sidelot -tAc 'SELECT postgis_full_version()' 2>&1 || true)"
    fi
    if [[ -n ${DATABASE_URL:-} ]]; then
        echo "  note: DATABASE_URL is set in this shell and takes precedence"
    fi
}

cmd_reset() {
    lock
    load_location || true # only to say so when the record is stale
    local dir
    for dir in "$LOCAL_DATA" "$FALLBACK_DATA"; do
        [[ -d $dir ]] || continue
        DATA=$dir
        set_paths
        if is_running; then
            as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >&2
        fi
    done
    for dir in "$LOCAL_DATA" "$FALLBACK_DATA" "$SHORT_SOCKET"; do
        if [[ -e $dir ]]; then
            say "deleting $dir"
            rm -rf "$dir"
        fi
    done
    rmdir "$FALLBACK_BASE" 2>/dev/null || true
    rm -f "$LOCATION_FILE" "$URL_FILE"
    say "the $NAME cluster is reset"
}

case $CMD in
    start | url) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
esac
