#!/usr/bin/env bash
# The machine's RabbitMQ (Debian's rabbitmq-server package) for the tests.
#
#   bash infra/rabbitmq.sh start    # installs if missing, starts if not running, waits; prints the export line
#   bash infra/rabbitmq.sh stop
#   bash infra/rabbitmq.sh status
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
    echo "usage: $0 {start|stop|status}" >&2
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
node_process() { pgrep -f 'beam.*-s rabbit|beam.*rabbit_prelaunch|beam.*rabbitmq' >/dev/null 2>&1; }

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
    log "ready on 127.0.0.1:5672"
    settings
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

main() {
    [[ $# -eq 1 ]] || usage
    case "$1" in
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        *) usage ;;
    esac
}

main "$@"
