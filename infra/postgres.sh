#!/usr/bin/env bash
# A throwaway local PostgreSQL server for the tests.
#
#   bash infra/postgres.sh start [PORT]    # default 55432; prints `export MATCHMAKING_TEST_POSTGRES=...`
#   bash infra/postgres.sh stop [PORT]     # stops the server this script started and deletes its files
#   bash infra/postgres.sh status [PORT]
#   bash infra/postgres.sh crash [PORT]    # pg_ctl stop -m immediate (a crash: no checkpoint), files kept
#   bash infra/postgres.sh resume [PORT]   # starts the kept cluster again (crash recovery); prints the export line
#
# Usage: eval "$(bash infra/postgres.sh start)"
# Only the export line goes to stdout; everything else goes to stderr.
# The cluster lives in /tmp/matchmaking-pg-PORT (data/, server.log, the socket),
# trusts every local and 127.0.0.1 connection and listens on 127.0.0.1 only.
# As root the server runs as the `postgres` user; as anyone else, as that user.
# Binaries: $PG_BIN, else the newest /usr/lib/postgresql/*/bin, else PATH; on a
# machine with none, root installs Debian's `postgresql` package.
set -euo pipefail

readonly DEFAULT_PORT=55432

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    echo "usage: $0 {start|stop|status|crash|resume} [PORT]   (PORT defaults to $DEFAULT_PORT)" >&2
    exit 2
}

find_pg_bin() {
    if [[ -n "${PG_BIN:-}" && -x "$PG_BIN/initdb" ]]; then
        echo "$PG_BIN"; return 0
    fi
    local dir best=""
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/initdb" ]] || continue
        if [[ -z "$best" ]] || [[ "$(basename "$(dirname "$dir")")" -gt "$(basename "$(dirname "$best")")" ]]; then
            best="$dir"
        fi
    done
    if [[ -n "$best" ]]; then echo "$best"; return 0; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
    return 1
}

install_postgres() {
    [[ $EUID -eq 0 ]] || die "PostgreSQL binaries not found and not root to install them (set PG_BIN=/path/to/bin)"
    log "PostgreSQL binaries not found; installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    local apt=(apt-get install -y -q --no-install-recommends postgresql)
    if ! "${apt[@]}" </dev/null >&2; then
        apt-get update -q </dev/null >&2 || true
        "${apt[@]}" </dev/null >&2 || die "apt-get install postgresql failed"
    fi
}

# Runs a command as the user who owns the cluster.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

settings() {
    echo "export MATCHMAKING_TEST_POSTGRES=\"Host=127.0.0.1;Port=$PORT;Username=postgres;Password=postgres\""
}

answers() {
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2 </dev/null >/dev/null 2>&1
}

cmd_start() {
    if answers; then
        log "a server already answers on 127.0.0.1:$PORT; using it"
        settings
        return 0
    fi

    # A leftover from an earlier run (crashed, or stopped without `stop`): start afresh.
    if [[ -e "$ROOT" ]]; then
        if [[ -f "$DATA/postmaster.pid" ]]; then
            as_owner "$PG_BIN/pg_ctl" stop -D "$DATA" -m immediate -s </dev/null >/dev/null 2>&1 || true
        fi
        rm -rf "$ROOT"
    fi

    mkdir -p "$ROOT"
    chmod 0700 "$ROOT"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$ROOT"; fi

    local locale_args=(--no-locale)
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
        locale_args=(--locale=C.UTF-8)
    fi
    log "initdb $DATA"
    as_owner "$PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 "${locale_args[@]}" </dev/null >"$ROOT/initdb.log" 2>&1 \
        || { cat "$ROOT/initdb.log" >&2; die "initdb failed"; }

    # Tests open many pools over many databases; durability is worthless here.
    as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- matchmaking throwaway test server ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$ROOT'
max_connections = 300
synchronous_commit = off
EOF
    as_owner tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  trust
EOF

    log "starting on 127.0.0.1:$PORT"
    if ! as_owner "$PG_BIN/pg_ctl" start -D "$DATA" -l "$ROOT/server.log" -w -t 60 -s </dev/null >/dev/null 2>&1; then
        tail -n 30 "$ROOT/server.log" >&2 2>/dev/null || true
        die "pg_ctl start failed (is port $PORT taken?)"
    fi
    answers || die "server started but does not answer on 127.0.0.1:$PORT"
    settings
}

cmd_stop() {
    if [[ -f "$DATA/postmaster.pid" ]]; then
        log "stopping the server in $DATA"
        as_owner "$PG_BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 -s </dev/null >/dev/null 2>&1 \
            || as_owner "$PG_BIN/pg_ctl" stop -D "$DATA" -m immediate -s </dev/null >/dev/null 2>&1 \
            || log "warning: pg_ctl stop failed"
    elif answers; then
        log "a server answers on 127.0.0.1:$PORT but it is not in $ROOT; leaving it alone"
    fi
    if [[ -e "$ROOT" ]]; then
        rm -rf "$ROOT" || die "cannot remove $ROOT"
    fi
    return 0
}

cmd_status() {
    if answers; then
        if [[ -f "$DATA/postmaster.pid" ]]; then
            echo "running on 127.0.0.1:$PORT (cluster $DATA)"
        else
            echo "running on 127.0.0.1:$PORT (not started by this script)"
        fi
        settings
        return 0
    fi
    echo "not running on 127.0.0.1:$PORT"
    return 3
}

# For fault tests on a private port: stop as a crash would, keeping the cluster for `resume`.
cmd_crash() {
    [[ -f "$DATA/postmaster.pid" ]] || die "no cluster of this script runs in $DATA"
    log "pg_ctl stop -m immediate ($DATA)"
    as_owner "$PG_BIN/pg_ctl" stop -D "$DATA" -m immediate -w -t 60 -s </dev/null >/dev/null 2>&1 || die "pg_ctl stop -m immediate failed"
}

cmd_resume() {
    [[ -d "$DATA" ]] || die "no cluster in $DATA to resume"
    if answers; then
        settings
        return 0
    fi
    log "starting the kept cluster in $DATA"
    as_owner "$PG_BIN/pg_ctl" start -D "$DATA" -l "$ROOT/server.log" -w -t 60 -s </dev/null >/dev/null 2>&1 \
        || { tail -n 30 "$ROOT/server.log" >&2 2>/dev/null || true; die "pg_ctl start failed"; }
    settings
}

main() {
    [[ $# -ge 1 && $# -le 2 ]] || usage
    local action="$1"
    PORT="${2:-$DEFAULT_PORT}"
    [[ "$PORT" =~ ^[0-9]+$ ]] || usage
    ROOT="/tmp/matchmaking-pg-$PORT"
    DATA="$ROOT/data"

    if ! PG_BIN="$(find_pg_bin)"; then
        [[ "$action" == start ]] || { log "PostgreSQL binaries not found"; [[ "$action" == status ]] && return 3; return 0; }
        install_postgres
        PG_BIN="$(find_pg_bin)" || die "PostgreSQL binaries still not found after install"
    fi
    if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        die "running as root but there is no 'postgres' user to run the server"
    fi

    case "$action" in
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        crash) cmd_crash ;;
        resume) cmd_resume ;;
        *) usage ;;
    esac
}

main "$@"
