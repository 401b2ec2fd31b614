#!/usr/bin/env bash
# The load run: bash infra/load.sh
#
# Bounded (MATCHMAKING_LOAD_SECONDS per configuration, default 240; MATCHMAKING_LOAD_CONFIGS="1" runs one replica only) and on loopback only. Starts a PRIVATE PostgreSQL
# (port MATCHMAKING_LOAD_POSTGRES_PORT, default 55442) and a PRIVATE RabbitMQ node (load@localhost on
# MATCHMAKING_LOAD_RABBITMQ_PORT, default 5674), builds tests/Faults.Tests (whose LoadRun test is the driver), and
# for one replica of each service, then two of Research, Needs and Matching, posts MATCHMAKING_LOAD_LISTINGS
# (default 5000) technologies and needs over HTTP to the services running apart as processes, and measures
# MassTransit's raw publish-and-consume rate on the same broker. Prints one line per configuration:
#   load replicas=N listings=N per_second=X p50_ms=X p99_ms=X raw_bus_per_second=X
# (latency: from a listing's POST to its first match committed, i.e. readable) and the machine's load average.
# Stops what it started.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO" || exit 1

PG_PORT="${MATCHMAKING_LOAD_POSTGRES_PORT:-55442}"
RMQ_NODE=load
RMQ_PORT="${MATCHMAKING_LOAD_RABBITMQ_PORT:-5674}"
PROJECT=tests/Faults.Tests/Faults.Tests.csproj
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1
export PATH="$PATH:/usr/sbin:/sbin:$HOME/.dotnet"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/matchmaking-load.XXXXXX")"
REPORT="$WORK/report"
: >"$REPORT"
log() { printf '==> %s\n' "$*" >&2; }
cleanup() {
    bash infra/rabbitmq.sh stop --node "$RMQ_NODE" >/dev/null 2>&1 || true
    bash infra/postgres.sh stop "$PG_PORT" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "dotnet build $PROJECT -c Release"
dotnet build "$PROJECT" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log"; exit 1; }
if bash infra/postgres.sh status "$PG_PORT" >/dev/null 2>&1; then
    log "something already answers on PostgreSQL port $PG_PORT; set MATCHMAKING_LOAD_POSTGRES_PORT"
    exit 1
fi
pg_line="$(bash infra/postgres.sh start "$PG_PORT")" || exit 1
bash infra/rabbitmq.sh start --node "$RMQ_NODE" --port "$RMQ_PORT" >/dev/null || exit 1

export MATCHMAKING_LOAD=1 MATCHMAKING_LOAD_REPORT="$REPORT" MATCHMAKING_FAULTS_PORT_BASE=6150
export MATCHMAKING_FAULTS_POSTGRES="$(sed -n 's/^export MATCHMAKING_TEST_POSTGRES="\(.*\)"$/\1/p' <<<"$pg_line")"
export MATCHMAKING_FAULTS_RABBITMQ_NODE="$RMQ_NODE" MATCHMAKING_FAULTS_RABBITMQ_PORT="$RMQ_PORT"
# The servers' own processor time per listing is counted from their pid files.
export MATCHMAKING_LOAD_POSTGRES_PIDFILE="/tmp/matchmaking-pg-$PG_PORT/data/postmaster.pid"
export MATCHMAKING_LOAD_RABBITMQ_PIDFILE="${TMPDIR:-/tmp}/matchmaking-rabbitmq-$RMQ_NODE/pid"
unset MATCHMAKING_TEST_POSTGRES MATCHMAKING_TEST_RABBITMQ

code=0
for replicas in ${MATCHMAKING_LOAD_CONFIGS:-1 2}; do
    log "load with $replicas replica(s); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    MATCHMAKING_LOAD_REPLICAS=$replicas timeout --kill-after=20 900 \
        dotnet test "$PROJECT" -c Release --no-build --filter "FullyQualifiedName~LoadRun" \
        --logger "console;verbosity=normal" </dev/null >"$WORK/run-$replicas.log" 2>&1 || { code=1; grep -E 'Failed|Error|Exception' "$WORK/run-$replicas.log" | head -n 20 >&2; }
done
cat "$REPORT"
echo "load_average $(cut -d' ' -f1-3 /proc/loadavg) cores $(nproc)"
exit "$code"
