#!/usr/bin/env bash
# The test command: bash infra/test.sh [extra dotnet test args, e.g. --filter X]
#
# Builds the solution once (Release), runs every test project against real
# PostgreSQL and RabbitMQ, and prints as its very last line the totals over all
# test projects:  N passed, N failed, N skipped
# Exits non-zero when the build fails, a test fails, the test run fails, or no test ran.
#
# Environment:
#   MATCHMAKING_TEST_POSTGRES       use this PostgreSQL (Npgsql connection string) instead of starting one
#   MATCHMAKING_TEST_RABBITMQ       use this RabbitMQ (amqp:// URI) instead of starting one
#   MATCHMAKING_TEST_USE_DOCKER=1   start neither server: the fixtures' Testcontainers fallback is used
#   MATCHMAKING_TEST_POSTGRES_PORT  port for the local PostgreSQL (default 55432)
#   MATCHMAKING_TEST_TARGET         solution or project to build and test (default Matchmaking.sln)
#   MATCHMAKING_TEST_BUDGET         seconds for build + tests together (default: no limit; CI sets one)
#   MATCHMAKING_TEST_SKIP_BROWSER_INSTALL=1   do not try to install chromium / fonts-noto-cjk
# Servers this script starts, it stops before printing the totals; servers that
# were already running are used and left running.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO" || exit 1

TARGET="${MATCHMAKING_TEST_TARGET:-Matchmaking.sln}"
PG_PORT="${MATCHMAKING_TEST_POSTGRES_PORT:-55432}"
BUDGET="${MATCHMAKING_TEST_BUDGET:-}"
START_SECONDS=$SECONDS

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_UI_LANGUAGE=en   # the console summary is parsed as a fallback
export MSBUILDDISABLENODEREUSE=1   # no MSBuild nodes left behind holding a CI's pipes
export PATH="$PATH:/usr/sbin:/sbin:$HOME/.dotnet"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/matchmaking-test.XXXXXX")"
RESULTS="$WORK/results"
STARTED_POSTGRES=""
STARTED_RABBITMQ=""
CHILD_PID=""
PASSED=0
FAILED=0
SKIPPED=0

log() { printf '==> %s\n' "$*"; }
warn() { printf '==> warning: %s\n' "$*"; }

stop_servers() {
    if [[ -n "$STARTED_POSTGRES" ]]; then
        STARTED_POSTGRES=""
        log "stopping the PostgreSQL this run started (port $PG_PORT)"
        bash infra/postgres.sh stop "$PG_PORT" 2>&1 || warn "could not stop PostgreSQL"
    fi
    if [[ -n "$STARTED_RABBITMQ" ]]; then
        STARTED_RABBITMQ=""
        log "stopping the RabbitMQ this run started"
        bash infra/rabbitmq.sh stop 2>&1 || warn "could not stop RabbitMQ"
    fi
}

# Only reached with work left to do when the script is interrupted; the normal
# path has already stopped the servers, so this prints nothing after the totals.
# shellcheck disable=SC2317  # invoked by the trap
on_exit() {
    if [[ -n "$CHILD_PID" ]]; then
        kill -TERM "$CHILD_PID" 2>/dev/null || true
    fi
    stop_servers >/dev/null 2>&1
    rm -rf "$WORK"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Stops what this run started, then prints the totals as the last line and exits.
finish() {
    local code="$1"
    stop_servers
    printf '%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
    exit "$code"
}

# Seconds left of MATCHMAKING_TEST_BUDGET (empty when there is no budget).
budget_left() {
    [[ -n "$BUDGET" ]] || return 0
    local left=$((BUDGET - (SECONDS - START_SECONDS) - 30))
    ((left < 30)) && left=30
    echo "$left"
}

# Runs a command with its output in $1 and echoed live. The command runs in the
# background and is followed with `tail --pid`, so a daemon it leaves behind
# (build server, stray browser) cannot hold this script's stdout open.
run_logged() {
    local logfile="$1" left rc
    shift
    left="$(budget_left)"
    if [[ -n "$left" ]]; then
        timeout --kill-after=20 "$left" "$@" </dev/null >"$logfile" 2>&1 &
    else
        "$@" </dev/null >"$logfile" 2>&1 &
    fi
    CHILD_PID=$!
    tail -n +1 -f --pid="$CHILD_PID" "$logfile"
    wait "$CHILD_PID"
    rc=$?
    CHILD_PID=""
    if ((rc == 124)); then
        warn "timed out (MATCHMAKING_TEST_BUDGET=${BUDGET}s): $*"
    fi
    return "$rc"
}

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    local apt=(apt-get install -y -q --no-install-recommends "$@")
    timeout 900 "${apt[@]}" </dev/null && return 0
    timeout 300 apt-get update -q </dev/null || true
    timeout 900 "${apt[@]}" </dev/null
}

# Browser tests need a real Chromium and CJK fonts; their absence must not fail the run.
ensure_browser() {
    [[ "${MATCHMAKING_TEST_SKIP_BROWSER_INSTALL:-}" == 1 ]] && return 0
    local missing=()
    [[ -x /usr/bin/chromium ]] || missing+=(chromium)
    dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
    ((${#missing[@]} == 0)) && return 0
    if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        warn "${missing[*]} missing and cannot be installed here (not root or no apt-get); browser tests may skip"
        return 0
    fi
    log "installing ${missing[*]} for the browser tests"
    if ! apt_install "${missing[@]}" 2>&1 | tail -n 3; then
        warn "could not install ${missing[*]}; browser tests may skip"
    fi
    return 0
}

# Starts a server through its script unless one was given; exports its variable.
start_server() {
    local name="$1" var="$2" script="$3" out
    shift 3
    if [[ -n "${!var:-}" ]]; then
        log "$name: using $var from the environment"
        return 0
    fi
    if bash "$script" status "$@" >/dev/null 2>&1; then
        log "$name: already running; using it"
    else
        log "$name: starting"
        case "$name" in
            PostgreSQL) STARTED_POSTGRES=1 ;;
            RabbitMQ) STARTED_RABBITMQ=1 ;;
        esac
    fi
    if ! out="$(bash "$script" start "$@")"; then
        warn "$name did not start"
        return 1
    fi
    out="$(grep -E "^export $var=\"[^\"]+\"\$" <<<"$out" | tail -n 1)"
    [[ -n "$out" ]] || { warn "$script printed no $var"; return 1; }
    eval "$out"
    log "$name: $var=${!var}"
}

# Totals from the TRX files: one per test project run.
sum_trx() {
    local file counters total executed passed failed error timedout aborted
    attr() { sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
    PASSED=0 FAILED=0 SKIPPED=0
    while IFS= read -r -d '' file; do
        counters="$(tr '\r\n' '  ' <"$file" | grep -o '<Counters[[:space:]][^>]*>' | head -n 1)"
        [[ -n "$counters" ]] || { warn "no <Counters> in $file"; continue; }
        total="$(attr total)" executed="$(attr executed)" passed="$(attr passed)"
        failed="$(attr failed)" error="$(attr error)" timedout="$(attr timeout)" aborted="$(attr aborted)"
        PASSED=$((PASSED + ${passed:-0}))
        FAILED=$((FAILED + ${failed:-0} + ${error:-0} + ${timedout:-0} + ${aborted:-0}))
        if ((${total:-0} > ${executed:-0})); then
            SKIPPED=$((SKIPPED + total - executed))
        fi
    done < <(find "$RESULTS" -name '*.trx' -print0 2>/dev/null)
}

# Totals from dotnet test's console summary lines (VSTest and Microsoft.Testing.Platform).
sum_console() {
    local logfile="$1" line
    PASSED=0 FAILED=0 SKIPPED=0
    while IFS= read -r line; do
        # VSTest: "Failed!  - Failed:     1, Passed:     1, Skipped:     1, Total:     3, Duration: ..."
        if [[ "$line" =~ (Passed|Failed)!\ +-\ +Failed:\ *([0-9]+),\ *Passed:\ *([0-9]+),\ *Skipped:\ *([0-9]+),\ *Total:\ *([0-9]+) ]]; then
            FAILED=$((FAILED + BASH_REMATCH[2]))
            PASSED=$((PASSED + BASH_REMATCH[3]))
            SKIPPED=$((SKIPPED + BASH_REMATCH[4]))
        fi
    done < <(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$logfile")
    # Microsoft.Testing.Platform prints one block for the whole run:
    # "Test run summary: ..." then "  total: N", "  failed: N", "  succeeded: N", "  skipped: N".
    if ((PASSED + FAILED + SKIPPED == 0)) && grep -q 'Test run summary' "$logfile"; then
        local block
        block="$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$logfile" | sed -n '/Test run summary/,$p')"
        PASSED="$(sed -n 's/^[[:space:]]*succeeded:[[:space:]]*\([0-9]*\).*/\1/p' <<<"$block" | tail -n 1)"
        FAILED="$(sed -n 's/^[[:space:]]*failed:[[:space:]]*\([0-9]*\).*/\1/p' <<<"$block" | tail -n 1)"
        SKIPPED="$(sed -n 's/^[[:space:]]*skipped:[[:space:]]*\([0-9]*\).*/\1/p' <<<"$block" | tail -n 1)"
        PASSED="${PASSED:-0}" FAILED="${FAILED:-0}" SKIPPED="${SKIPPED:-0}"
    fi
}

uses_testing_platform() {
    [[ -f global.json ]] && grep -q '"Microsoft.Testing.Platform"' global.json
}

main() {
    if ! command -v dotnet >/dev/null 2>&1; then
        warn "dotnet not found: install the .NET SDK named in global.json (https://dot.net)"
        finish 1
    fi
    if [[ ! -e "$TARGET" ]]; then
        warn "$TARGET not found in $REPO"
        finish 1
    fi
    log "dotnet $(dotnet --version 2>/dev/null); target $TARGET"

    ensure_browser
    if [[ -z "${MATCHMAKING_TEST_CHROMIUM:-}" && -x /usr/bin/chromium ]]; then
        export MATCHMAKING_TEST_CHROMIUM=/usr/bin/chromium
    fi

    log "dotnet build $TARGET -c Release"
    if ! run_logged "$WORK/build.log" dotnet build "$TARGET" -c Release -nologo; then
        warn "build failed"
        finish 1
    fi

    if [[ "${MATCHMAKING_TEST_USE_DOCKER:-}" == 1 ]]; then
        log "MATCHMAKING_TEST_USE_DOCKER=1: not starting servers; fixtures fall back to Testcontainers"
    else
        start_server PostgreSQL MATCHMAKING_TEST_POSTGRES infra/postgres.sh "$PG_PORT" || finish 1
        start_server RabbitMQ MATCHMAKING_TEST_RABBITMQ infra/rabbitmq.sh || finish 1
        # Under CI the machine's broker starts empty: leftover test virtual hosts slow every new one down.
        if [[ -n "${CI:-}" ]]; then
            bash infra/rabbitmq.sh reset 2>&1 || { warn "could not reset RabbitMQ"; finish 1; }
        fi
    fi

    local args=(test "$TARGET" -c Release --no-build --results-directory "$RESULTS")
    if uses_testing_platform; then
        # Microsoft.Testing.Platform: `dotnet test --solution|--project X`, xunit's own TRX report.
        local kind=--project
        [[ "$TARGET" == *.sln || "$TARGET" == *.slnx ]] && kind=--solution
        args=(test "$kind" "$TARGET" -c Release --no-build --results-directory "$RESULTS" --report-xunit-trx)
    else
        args+=(--logger trx)
    fi
    log "dotnet ${args[*]} $*"
    run_logged "$WORK/test.log" dotnet "${args[@]}" "$@"
    local test_rc=$?

    # TRX first, as long as every run that announced a results file left one;
    # else the console summaries.
    local trx_count announced
    trx_count="$(find "$RESULTS" -name '*.trx' 2>/dev/null | wc -l)"
    announced="$(grep -c '^Results File: .*\.trx' "$WORK/test.log")"
    if ((trx_count > 0 && trx_count >= announced)); then
        sum_trx
    else
        sum_console "$WORK/test.log"
        if ((PASSED + FAILED + SKIPPED == 0 && trx_count > 0)); then
            sum_trx
        fi
    fi

    local code=0
    if ((test_rc != 0)); then
        warn "dotnet test exited with $test_rc"
        code=1
    fi
    if ((FAILED > 0)); then
        code=1
    fi
    if ((PASSED + FAILED == 0)); then
        warn "no test ran"
        code=1
    fi
    log "finished in $((SECONDS - START_SECONDS))s"
    finish "$code"
}

main "$@"
