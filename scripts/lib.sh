# shellcheck shell=bash
# Shared helpers for scripts/dev, scripts/test and scripts/bench. Source it; don't run it.
#
#   ensure_venv              .tools/venv with moto[server], localstack-localstripe, cfn-lint, schemathesis
#   ensure_apt PKG...        install Debian packages that dpkg says are missing
#   use_mold                 install mold (scripts/linker links with it when present)
#   free_port                print a free TCP port on 127.0.0.1
#   wait_http URL SECS [PID] wait until URL answers HTTP (any status); fail early if PID dies
#   start_service NAME LOG CMD...   start CMD in its own process group, logging to LOG
#   stop_services            stop everything start_service started (safe to call twice)
#   start_moto / start_localstripe / start_push_service  start the emulators on free ports and
#                            export their endpoints

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.tools/venv"
TEST_LOG_DIR="$REPO_ROOT/target/test-logs"

# Versions the suite is known to pass with (a newer cfn-lint may add warnings).
PIP_MOTO='moto[server]==5.2.5'
PIP_LOCALSTRIPE='localstack-localstripe==1.15.6.post1'
PIP_CFN_LINT='cfn-lint==1.58.0'
PIP_CARGO_LAMBDA='cargo-lambda==1.9.2'
PIP_SCHEMATHESIS='schemathesis==4.32.5'

if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then
    _C_BLUE=$'\033[1;34m' _C_YELLOW=$'\033[1;33m' _C_RED=$'\033[1;31m' _C_OFF=$'\033[0m'
else
    _C_BLUE='' _C_YELLOW='' _C_RED='' _C_OFF=''
fi
log() { printf '%s==>%s %s\n' "$_C_BLUE" "$_C_OFF" "$*" >&2; }
warn() { printf '%swarning:%s %s\n' "$_C_YELLOW" "$_C_OFF" "$*" >&2; }
die() {
    printf '%serror:%s %s\n' "$_C_RED" "$_C_OFF" "$*" >&2
    exit 1
}

# Run a command as root: directly when we are root, else through sudo (if there is one).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        return 1
    fi
}

_APT_UPDATED=0

_apt_install() {
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "$@" >"${TMPDIR:-/tmp}/kt-apt.log" 2>&1
}

# ensure_apt PKG...: installs only what `dpkg -s` reports missing; runs `apt-get update` at most
# once, and only after a first install attempt failed (stale or empty package lists).
ensure_apt() {
    local pkg missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        warn "apt-get not found: install ${missing[*]} by hand"
        return 1
    fi
    log "installing Debian packages: ${missing[*]}"
    _apt_install "${missing[@]}" && return 0
    if [ "$_APT_UPDATED" -eq 0 ]; then
        _APT_UPDATED=1
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 || true
        _apt_install "${missing[@]}" && return 0
    fi
    warn "could not install ${missing[*]} (see ${TMPDIR:-/tmp}/kt-apt.log)"
    return 1
}

# ensure_venv: creates .tools/venv when missing and installs the Python tools that are not there.
ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        log "creating Python venv in .tools/venv"
        if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
            rm -rf "$VENV"
            ensure_apt python3-venv || true
            python3 -m venv "$VENV" || die "python3 -m venv failed"
        fi
    fi
    local need=()
    if [ ! -x "$VENV/bin/moto_server" ] || ! "$VENV/bin/python" -c 'import moto.server, flask_cors' >/dev/null 2>&1; then
        need+=("$PIP_MOTO")
    fi
    [ -x "$VENV/bin/localstripe" ] || need+=("$PIP_LOCALSTRIPE")
    [ -x "$VENV/bin/cfn-lint" ] || need+=("$PIP_CFN_LINT")
    [ -x "$VENV/bin/st" ] || need+=("$PIP_SCHEMATHESIS")
    if [ "${#need[@]}" -gt 0 ]; then
        log "installing into .tools/venv: ${need[*]}"
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${need[@]}" ||
            die "pip install failed: ${need[*]}"
    fi
}

# use_mold: installs mold when it can. Linking with it is chosen by .cargo/config.toml's linker
# wrapper (scripts/linker), the same for every cargo command, so no RUSTFLAGS change and no
# rebuild between scripted and plain cargo runs.
use_mold() {
    [ -x /usr/bin/mold ] || ensure_apt mold || true
}

# ensure_nextest: the machine image ships cargo-nextest; build it from crates.io when it is missing.
ensure_nextest() {
    if ! command -v cargo-nextest >/dev/null 2>&1; then
        log "installing cargo-nextest (cargo install --locked)"
        cargo install --locked cargo-nextest
    fi
}

# prune_target: keeps a long-lived checkout's target/ from filling the disk. Every build of a
# test binary leaves a new ~200 MB executable in target/debug/deps beside the old ones, and
# incremental state piles up per session: drop executables six hours older than the newest of
# the same name and incremental state untouched for a day (cargo relinks anything it misses).
prune_target() {
    [ -d target/debug/deps ] || return 0
    python3 - target/debug <<'PY' || true
import os, re, sys, time
root = sys.argv[1]
deps = os.path.join(root, "deps")
newest = {}
for f in os.listdir(deps):
    p = os.path.join(deps, f)
    m = re.fullmatch(r"(.+)-[0-9a-f]{16}", f)
    if not m or not os.path.isfile(p) or not os.access(p, os.X_OK):
        continue
    newest.setdefault(m.group(1), []).append((os.path.getmtime(p), p))
freed = 0
# Crates may share a test name (two `api` tests): only runs six hours older than the newest go.
for runs in newest.values():
    runs.sort()
    for mtime, p in runs[:-1]:
        if runs[-1][0] - mtime > 6 * 3600:
            freed += os.path.getsize(p)
            os.remove(p)
inc = os.path.join(root, "incremental")
if os.path.isdir(inc):
    for d in os.listdir(inc):
        p = os.path.join(inc, d)
        if time.time() - os.path.getmtime(p) > 86400:
            for dirpath, _, files in os.walk(p):
                freed += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
            import shutil
            shutil.rmtree(p, ignore_errors=True)
if freed > 2**30:
    print(f"pruned {freed / 2**30:.1f} GiB of stale build output from target/", file=sys.stderr)
PY
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# http_status URL: prints the HTTP status code ("000" when nothing answers).
http_status() {
    if command -v curl >/dev/null 2>&1; then
        curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true
    else
        python3 - "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")
PY
    fi
}

# wait_http URL SECONDS [PID]: succeeds as soon as URL gives any HTTP response.
wait_http() {
    local url=$1 secs=${2:-30} pid=${3:-} deadline code
    deadline=$((SECONDS + secs))
    while [ "$SECONDS" -lt "$deadline" ]; do
        code="$(http_status "$url")"
        if [ -n "$code" ] && [ "$code" != "000" ]; then
            return 0
        fi
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            return 1
        fi
        sleep 0.2
    done
    return 1
}

_SERVICE_PIDS=()
_SERVICE_NAMES=()

# start_service NAME LOGFILE CMD...: runs CMD in a new session (its pid is its process group id),
# so stop_services can end it together with any children. Sets LAST_SERVICE_PID.
start_service() {
    local name=$1 logfile=$2
    shift 2
    mkdir -p "$(dirname "$logfile")"
    setsid "$@" >"$logfile" 2>&1 </dev/null &
    LAST_SERVICE_PID=$!
    _SERVICE_PIDS+=("$LAST_SERVICE_PID")
    _SERVICE_NAMES+=("$name")
}

stop_services() {
    local i pid n
    for i in "${!_SERVICE_PIDS[@]}"; do
        pid=${_SERVICE_PIDS[$i]}
        kill -0 "$pid" 2>/dev/null || continue
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for i in "${!_SERVICE_PIDS[@]}"; do
        pid=${_SERVICE_PIDS[$i]}
        n=0
        while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 50 ]; do
            sleep 0.1
            n=$((n + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            warn "${_SERVICE_NAMES[$i]} (pid $pid) ignored SIGTERM; killing it"
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    _SERVICE_PIDS=()
    _SERVICE_NAMES=()
}

# start_moto: moto server on a free loopback port; exports MOTO_ENDPOINT and fake credentials.
start_moto() {
    local port
    port="$(free_port)"
    # moto's server with its DynamoDB requests serialized and item-level transaction
    # rollback (see scripts/moto_server.py for why).
    start_service moto "$TEST_LOG_DIR/moto.log" "$VENV/bin/python" "$REPO_ROOT/scripts/moto_server.py" -H 127.0.0.1 -p "$port"
    if ! wait_http "http://127.0.0.1:$port/moto-api/" 60 "$LAST_SERVICE_PID"; then
        tail -n 20 "$TEST_LOG_DIR/moto.log" >&2 || true
        die "moto server did not start (log: target/test-logs/moto.log)"
    fi
    export MOTO_PORT=$port
    export MOTO_ENDPOINT="http://127.0.0.1:$port"
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
    export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
    log "moto server on $MOTO_ENDPOINT (pid $LAST_SERVICE_PID)"
}

# start_push_service: the local Web Push service (scripts/push_service.py: checks VAPID and
# decrypts as a browser would) on a free port; exports PUSH_SERVICE_ENDPOINT, and
# PORTAL_PUSH_HOSTS so the portal may push to it.
start_push_service() {
    local port
    port="$(free_port)"
    start_service push-service "$TEST_LOG_DIR/push-service.log" \
        "$VENV/bin/python" scripts/push_service.py --port "$port"
    if ! wait_http "http://127.0.0.1:$port/subscriptions/none/messages" 30 "$LAST_SERVICE_PID"; then
        tail -n 20 "$TEST_LOG_DIR/push-service.log" >&2 || true
        die "the push service did not start (log: target/test-logs/push-service.log)"
    fi
    export PUSH_SERVICE_ENDPOINT="http://127.0.0.1:$port"
    export PORTAL_PUSH_HOSTS=127.0.0.1
    log "push service on $PUSH_SERVICE_ENDPOINT (pid $LAST_SERVICE_PID)"
}

# start_localstripe: localstripe (fresh state) on a free port; exports LOCALSTRIPE_ENDPOINT.
start_localstripe() {
    local port
    port="$(free_port)"
    start_service localstripe "$TEST_LOG_DIR/localstripe.log" \
        "$VENV/bin/localstripe" --port "$port" --from-scratch
    if ! wait_http "http://127.0.0.1:$port/v1/customers" 60 "$LAST_SERVICE_PID"; then
        tail -n 20 "$TEST_LOG_DIR/localstripe.log" >&2 || true
        die "localstripe did not start (log: target/test-logs/localstripe.log)"
    fi
    export STRIPE_PORT=$port
    export LOCALSTRIPE_ENDPOINT="http://127.0.0.1:$port"
    log "localstripe on $LOCALSTRIPE_ENDPOINT (pid $LAST_SERVICE_PID)"
}
