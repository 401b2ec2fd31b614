#!/usr/bin/env bash
# The machine's RabbitMQ (Debian's rabbitmq-server package) for the tests.
#
#   bash infra/rabbitmq.sh start    # installs if missing, starts if not running, waits; prints the export line
#   bash infra/rabbitmq.sh stop
#   bash infra/rabbitmq.sh status
#   bash infra/rabbitmq.sh reset    # drops every virtual host, queue and message (infra/test.sh does it under CI)
#
# A private node beside the machine's (for tests that kill brokers; the default node is never touched):
#   bash infra/rabbitmq.sh start  --node NAME --port P   # NAME@localhost on 127.0.0.1:P, files in /tmp/matchmaking-rabbitmq-NAME
#   bash infra/rabbitmq.sh kill   --node NAME            # SIGKILL that node's Erlang VM only (its pid file), files kept
#   bash infra/rabbitmq.sh stop   --node NAME            # stops it and deletes its files
#   bash infra/rabbitmq.sh status --node NAME --port P
# A private node keeps its data across kill/start (durable queues survive); `stop` forgets it. No plugins, and its
# Erlang distribution port is P+20000.
#
# Usage: eval "$(bash infra/rabbitmq.sh start)"
# Only the export line goes to stdout; everything else goes to stderr.
# Runs as root (or as the `rabbitmq` user once installed): Debian's wrappers
# refuse other users. The default guest/guest user is accepted from localhost.
# RABBITMQ_START_TIMEOUT (seconds, default 240; a broker with many quorum queues recovers slowly) bounds the wait for startup.
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"
readonly START_TIMEOUT="${RABBITMQ_START_TIMEOUT:-240}"
readonly START_LOG="${TMPDIR:-/tmp}/matchmaking-rabbitmq-start.log"

log() { printf 'rabbitmq.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    echo "usage: $0 {start|stop|status|reset}   or   $0 {start|stop|kill|status} --node NAME [--port P]" >&2
    exit 2
}

settings() {
    echo 'export MATCHMAKING_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:5672/"'
}

installed() { command -v rabbitmq-server >/dev/null 2>&1 && command -v rabbitmqctl >/dev/null 2>&1; }

# The node is up and the CLI can talk to it (the app may still be booting).
node_up() { timeout 30 rabbitmqctl -q ping </dev/null >/dev/null 2>&1; }

# An Erlang VM running the rabbit node exists, answering or not (e.g. still booting
# after the package's post-install script started it).
# Private nodes (started with RABBITMQ_MNESIA_BASE under a matchmaking-rabbitmq-NAME folder) are not the machine's node.
node_process() {
    local pid environ
    for pid in $(pgrep -f 'beam.*-s rabbit|beam.*rabbit_prelaunch|beam.*rabbitmq' 2>/dev/null); do
        # A process gone since pgrep listed it is no node (and its environ is no longer there to read).
        environ="$({ tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null)" || continue
        grep -q '^RABBITMQ_MNESIA_BASE=.*matchmaking-rabbitmq-' <<<"$environ" || return 0
    done
    return 1
}

install_rabbitmq() {
    [[ $EUID -eq 0 ]] || die "rabbitmq-server is not installed and only root can install it"
    log "installing Debian's rabbitmq-server"
    export DEBIAN_FRONTEND=noninteractive
    local apt=(apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold rabbitmq-server)
    if ! "${apt[@]}" </dev/null >&2; then
        log "install failed; running apt-get update and retrying"
        apt-get update -q </dev/null >&2 || true
        "${apt[@]}" </dev/null >&2 || die "apt-get install rabbitmq-server failed"
    fi
    installed || die "rabbitmq-server still missing after install"
}

await_startup() {
    local deadline=$((SECONDS + START_TIMEOUT)) left
    while :; do
        left=$((deadline - SECONDS))
        if ((left <= 0)); then
            tail -n 20 "$START_LOG" >&2 2>/dev/null || true
            die "RabbitMQ did not start within ${START_TIMEOUT}s (see /var/log/rabbitmq/)"
        fi
        if timeout "$left" rabbitmqctl -q await_startup </dev/null >/dev/null 2>&1; then
            return 0
        fi
        sleep 1
    done
}

cmd_start() {
    if ! installed; then
        install_rabbitmq
    fi
    if node_up; then
        log "already running"
    elif node_process; then
        log "a RabbitMQ node is starting; waiting for it"
    else
        [[ $EUID -eq 0 || "$(id -un)" == rabbitmq ]] || die "start RabbitMQ as root (or as the rabbitmq user)"
        log "starting rabbitmq-server -detached (log: $START_LOG, /var/log/rabbitmq/)"
        # Detached and with no inherited stdio, so nothing holds the caller's pipes.
        rabbitmq-server -detached </dev/null >"$START_LOG" 2>&1 || die "rabbitmq-server -detached failed: $(cat "$START_LOG")"
    fi
    await_startup
    ensure_management
    log "ready on 127.0.0.1:5672"
    settings
}

# The tests create a virtual host per test class through the management HTTP API (port 15672): rabbitmqctl starts
# an Erlang node per call and can hang when test runs overlap. Without the plugin they fall back to rabbitmqctl.
ensure_management() {
    if ! grep -q rabbitmq_management /etc/rabbitmq/enabled_plugins 2>/dev/null; then
        log "enabling the management plugin"
        timeout 120 rabbitmq-plugins -q enable rabbitmq_management </dev/null >&2 \
            || { log "could not enable the management plugin; the tests will use rabbitmqctl"; return 0; }
    fi
    local i
    for i in $(seq 1 30); do
        (exec 3<>/dev/tcp/127.0.0.1/15672) 2>/dev/null && return 0
        sleep 1
    done
    log "the management API does not answer on 15672; the tests will use rabbitmqctl"
}

cmd_stop() {
    if ! installed; then
        log "not installed"
        return 0
    fi
    if ! node_up; then
        log "not running"
        return 0
    fi
    log "stopping"
    timeout 120 rabbitmqctl -q stop </dev/null >/dev/null 2>&1 || die "rabbitmqctl stop failed"
    local deadline=$((SECONDS + 30))
    while node_process && ((SECONDS < deadline)); do sleep 1; done
    return 0
}

# Forgets every virtual host, queue and message of the machine's node (the default guest user comes back): the test
# fixtures create a virtual host per test class, and a broker holding a hundred of them with their quorum queues took
# 20 to 70 s to add one more, or stopped answering. Stops the node (killing it if it does not stop), deletes its
# data and starts it again. infra/test.sh resets it before a CI run.
cmd_reset() {
    installed || die "not installed"
    log "resetting: stopping the node, deleting its data, starting it"
    if node_up; then
        timeout 60 rabbitmqctl -q stop </dev/null >/dev/null 2>&1 || log "rabbitmqctl stop did not finish; killing the node"
    fi
    local pid
    for pid in $(pgrep -f 'beam.*-s rabbit|beam.*rabbit_prelaunch|beam.*rabbitmq|rabbitmqcli' 2>/dev/null); do
        tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -q '^RABBITMQ_MNESIA_BASE=.*matchmaking-rabbitmq-' || kill -9 "$pid" 2>/dev/null || true
    done
    local deadline=$((SECONDS + 30))
    while node_process && ((SECONDS < deadline)); do sleep 1; done
    rm -rf "${RABBITMQ_MNESIA_BASE:-/var/lib/rabbitmq/mnesia}"/*
    cmd_start >/dev/null
}

cmd_status() {
    if installed && node_up; then
        echo "running on 127.0.0.1:5672"
        settings
        return 0
    fi
    if ! installed; then
        echo "not installed"
    else
        echo "not running"
    fi
    return 3
}

# --- private nodes -------------------------------------------------------------------------------------------

private_env() {
    echo HOME=/var/lib/rabbitmq RABBITMQ_NODENAME="$NODE" RABBITMQ_NODE_PORT="$PORT" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_DIST_PORT="$((PORT + 20000))" \
        RABBITMQ_MNESIA_BASE="$BASE/mnesia" RABBITMQ_LOG_BASE="$BASE/log" RABBITMQ_PID_FILE="$BASE/pid" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$BASE/enabled_plugins" RABBITMQ_CONFIG_FILE="$BASE/rabbitmq" \
        RABBITMQ_ADVANCED_CONFIG_FILE="$BASE/advanced.config"
}

# Runs a RabbitMQ program as the rabbitmq user with this node's environment.
as_rabbitmq() {
    local program="$1"
    shift
    # shellcheck disable=SC2046  # private_env prints NAME=value words without spaces
    runuser -u rabbitmq -- env $(private_env) "/usr/lib/rabbitmq/bin/$program" "$@"
}

private_ctl() { as_rabbitmq rabbitmqctl -n "$NODE" "$@"; }

private_settings() {
    echo "export MATCHMAKING_TEST_RABBITMQ=\"amqp://guest:guest@127.0.0.1:$PORT/\""
}

# The node's Erlang VM, from its pid file, only if that process still is this node's.
private_pid() {
    local pid
    pid="$(cat "$BASE/pid" 2>/dev/null)" || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    # The node name is not on the VM's command line (RabbitMQ passes it in the environment).
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "RABBITMQ_NODENAME=$NODE" || return 1
    echo "$pid"
}

private_start() {
    [[ -n "$PORT" ]] || die "start --node needs --port"
    installed || install_rabbitmq
    [[ $EUID -eq 0 ]] || die "start a private node as root"
    if private_ctl -q ping </dev/null >/dev/null 2>&1; then
        log "$NODE already running"
    else
        mkdir -p "$BASE"
        [[ -f "$BASE/enabled_plugins" ]] || echo '[].' >"$BASE/enabled_plugins"
        chown -R rabbitmq:rabbitmq "$BASE"
        log "starting $NODE on 127.0.0.1:$PORT (files in $BASE)"
        (cd "$BASE" && as_rabbitmq rabbitmq-server -detached </dev/null >"$BASE/start.log" 2>&1) \
            || die "rabbitmq-server -detached failed: $(cat "$BASE/start.log")"
    fi
    local deadline=$((SECONDS + START_TIMEOUT))
    until timeout 60 bash -c "$(declare -f as_rabbitmq private_env private_ctl); NODE='$NODE' PORT='$PORT' BASE='$BASE' private_ctl -q await_startup --timeout 50" </dev/null >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "$NODE did not start within ${START_TIMEOUT}s (see $BASE/log)"
        sleep 1
    done
    log "$NODE ready on 127.0.0.1:$PORT"
    private_settings
}

private_kill() {
    local pid
    if pid="$(private_pid)"; then
        log "SIGKILL $NODE (pid $pid)"
        kill -KILL "$pid"
        local deadline=$((SECONDS + 30))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    else
        log "$NODE is not running"
    fi
}

private_stop() {
    if private_ctl -q ping </dev/null >/dev/null 2>&1; then
        log "stopping $NODE"
        timeout 120 bash -c "$(declare -f as_rabbitmq private_env private_ctl); NODE='$NODE' PORT='$PORT' BASE='$BASE' private_ctl -q stop" </dev/null >/dev/null 2>&1 \
            || private_kill
    fi
    private_pid >/dev/null && private_kill
    rm -rf "$BASE"
    return 0
}

private_status() {
    if private_ctl -q ping </dev/null >/dev/null 2>&1; then
        echo "$NODE running${PORT:+ on 127.0.0.1:$PORT}"
        [[ -n "$PORT" ]] && private_settings
        return 0
    fi
    echo "$NODE not running"
    return 3
}

main() {
    if [[ $# -gt 1 ]]; then
        local action="$1" name=""
        PORT=""
        shift
        while [[ $# -gt 0 ]]; do
            case "$1" in
                --node) name="${2:-}"; shift 2 ;;
                --port) PORT="${2:-}"; shift 2 ;;
                *) usage ;;
            esac
        done
        [[ "$name" =~ ^[a-z][a-z0-9_-]*$ && "$name" != rabbit ]] || die "--node NAME: lower-case letters, digits, - or _, not 'rabbit'"
        [[ -z "$PORT" || "$PORT" =~ ^[0-9]+$ ]] || usage
        NODE="$name@localhost"
        BASE="${TMPDIR:-/tmp}/matchmaking-rabbitmq-$name"
        case "$action" in
            start) private_start ;;
            stop) private_stop ;;
            kill) private_kill ;;
            status) private_status ;;
            *) usage ;;
        esac
        return
    fi
    [[ $# -eq 1 ]] || usage
    case "$1" in
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        reset) cmd_reset ;;
        *) usage ;;
    esac
}

main "$@"
