#!/usr/bin/env bash
# The fault suite: bash infra/faults.sh [extra dotnet test args]
#
# Starts a PRIVATE PostgreSQL (port MATCHMAKING_FAULTS_POSTGRES_PORT, default 55441) and a PRIVATE RabbitMQ node
# (MATCHMAKING_FAULTS_RABBITMQ_NODE@localhost on MATCHMAKING_FAULTS_RABBITMQ_PORT, default faults / 5673) through the
# infra/ scripts, builds tests/Faults.Tests and the services it runs as processes, runs every scenario (they kill
# and restart those private servers and service processes, never the shared ones), stops the servers, prints one
# line per scenario
#   scenario=NAME sent=N effects=N lost=N duplicated=N
# then the totals line of the test run, `N passed, N failed, N skipped`, last.
# Exits non-zero if any scenario lost or doubled anything, a test failed, or no scenario reported.
# MATCHMAKING_FAULTS_FILTER (a `dotnet test --filter` expression, e.g. `FullyQualifiedName~Brokerage`) runs only the
# scenarios it selects.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO" || exit 1

PG_PORT="${MATCHMAKING_FAULTS_POSTGRES_PORT:-55441}"
RMQ_NODE="${MATCHMAKING_FAULTS_RABBITMQ_NODE:-faults}"
RMQ_PORT="${MATCHMAKING_FAULTS_RABBITMQ_PORT:-5673}"
PROJECT=tests/Faults.Tests/Faults.Tests.csproj
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_UI_LANGUAGE=en
export MSBUILDDISABLENODEREUSE=1
export PATH="$PATH:/usr/sbin:/sbin:$HOME/.dotnet"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/matchmaking-faults.XXXXXX")"
LEDGER="$WORK/ledger"
: >"$LEDGER"
log() { printf '==> [%4ss] %s\n' "$SECONDS" "$*"; }

cleanup() {
    bash infra/rabbitmq.sh stop --node "$RMQ_NODE" >/dev/null 2>&1 || true
    bash infra/postgres.sh stop "$PG_PORT" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PASSED=0 FAILED=0 SKIPPED=0
totals() { printf '%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"; }

log "dotnet build $PROJECT -c Release"
if ! dotnet build "$PROJECT" -c Release -nologo -v q >"$WORK/build.log" 2>&1; then
    tail -n 40 "$WORK/build.log"
    log "build failed"
    FAILED=1
    totals
    exit 1
fi

# A private PostgreSQL must be one this script may crash: refuse a port where something else already answers.
if bash infra/postgres.sh status "$PG_PORT" >/dev/null 2>&1; then
    log "something already answers on PostgreSQL port $PG_PORT; set MATCHMAKING_FAULTS_POSTGRES_PORT to a free one"
    FAILED=1; totals; exit 1
fi
pg_line="$(bash infra/postgres.sh start "$PG_PORT")" || { log "PostgreSQL did not start"; FAILED=1; totals; exit 1; }
rmq_line="$(bash infra/rabbitmq.sh start --node "$RMQ_NODE" --port "$RMQ_PORT")" || { log "RabbitMQ node did not start"; FAILED=1; totals; exit 1; }
MATCHMAKING_FAULTS_POSTGRES="$(sed -n 's/^export MATCHMAKING_TEST_POSTGRES="\(.*\)"$/\1/p' <<<"$pg_line")"
# infra/postgres.sh turns synchronous_commit off for speed: a commit is then acknowledged before its WAL is on disk,
# and `pg_ctl stop -m immediate` loses the last ones (the PostgreSQL scenario lost a need it had answered 201 for).
# The durability this suite tests is a production server's: on.
pg_bin="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
if ! "$pg_bin/psql" -q -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
        -c "ALTER SYSTEM SET synchronous_commit = on" -c "SELECT pg_reload_conf()" </dev/null >/dev/null; then
    log "could not turn synchronous_commit on"; FAILED=1; totals; exit 1
fi
log "private PostgreSQL on $PG_PORT, private RabbitMQ node $RMQ_NODE@localhost on $RMQ_PORT (${rmq_line##*=})"

export MATCHMAKING_FAULTS=1 MATCHMAKING_FAULTS_POSTGRES MATCHMAKING_FAULTS_LEDGER="$LEDGER"
# Service processes listen from MATCHMAKING_FAULTS_PORT_BASE + 1 up (four of them, restarted on the same ports).
export MATCHMAKING_FAULTS_PORT_BASE="${MATCHMAKING_FAULTS_PORT_BASE:-5400}"
export MATCHMAKING_FAULTS_RABBITMQ_NODE="$RMQ_NODE" MATCHMAKING_FAULTS_RABBITMQ_PORT="$RMQ_PORT"
# The fixtures of Matchmaking.Testing must not reach the shared servers from here.
unset MATCHMAKING_TEST_POSTGRES MATCHMAKING_TEST_RABBITMQ

log "dotnet test $PROJECT $*"
timeout --kill-after=20 "${MATCHMAKING_FAULTS_BUDGET:-600}" \
    dotnet test "$PROJECT" -c Release --no-build --results-directory "$WORK/results" --logger trx \
    --filter "FullyQualifiedName!~LoadRun${MATCHMAKING_FAULTS_FILTER:+&($MATCHMAKING_FAULTS_FILTER)}" \
    --logger "console;verbosity=detailed" "$@" </dev/null >"$WORK/test.log" 2>&1
test_rc=$?
# Kept after the run (the work folder is not): every scenario's output, its step timings, failures in full.
cp "$WORK/test.log" "${TMPDIR:-/tmp}/matchmaking-faults-test.log" 2>/dev/null || true
grep -E '^\s*(Passed|Failed|Skipped) |Error Message|Assert|Exception' "$WORK/test.log" | head -n 80

trx="$(find "$WORK/results" -name '*.trx' 2>/dev/null | head -n 1)"
if [[ -n "$trx" ]]; then
    counters="$(tr '\r\n' '  ' <"$trx" | grep -o '<Counters[[:space:]][^>]*>' | head -n 1)"
    attr() { sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
    total="$(attr total)" executed="$(attr executed)"
    PASSED="$(attr passed)"
    FAILED=$(( $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted) ))
    SKIPPED=$(( ${total:-0} - ${executed:-0} ))
else
    FAILED=1
fi

code=0
((test_rc == 0)) || code=1
((FAILED == 0)) || code=1
scenarios="$(grep -c '^scenario=' "$LEDGER")"
((scenarios > 0)) || { log "no scenario reported"; code=1; }
if grep -E '^scenario=' "$LEDGER" | grep -Ev 'lost=0 duplicated=0$' >/dev/null; then
    log "a scenario lost or doubled effects"
    code=1
fi
((PASSED + FAILED + SKIPPED > 0)) && ((SKIPPED > 0)) && { log "$SKIPPED scenario(s) skipped"; code=1; }

bash infra/rabbitmq.sh stop --node "$RMQ_NODE" >/dev/null 2>&1 || true
bash infra/postgres.sh stop "$PG_PORT" >/dev/null 2>&1 || true
log "done (test log: ${TMPDIR:-/tmp}/matchmaking-faults-test.log)"
cat "$LEDGER"
totals
exit "$code"
