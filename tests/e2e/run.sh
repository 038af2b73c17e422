#!/usr/bin/env bash
# End-to-end tests against a real portal: seeds a fresh data dir, starts PORTAL_BINARY on a free
# port, runs every spec in Debian's Chromium, and stops the server (also on failure).
# Usage: tests/e2e/run.sh PORTAL_BINARY
set -euo pipefail

PORTAL=$(realpath "${1:?usage: tests/e2e/run.sh PORTAL_BINARY}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WEB="$ROOT/web"
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

[ -x "$CHROMIUM" ] || { echo "Chromium is missing: apt-get install -y chromium" >&2; exit 1; }
[ -d "$HERE/node_modules" ] || (cd "$HERE" && nice -n 10 npm ci --no-audit --no-fund)
if [ ! -f "$WEB/dist/index.html" ]; then
  [ -d "$WEB/node_modules" ] || (cd "$WEB" && nice -n 10 npm ci --no-audit --no-fund)
  (cd "$WEB" && nice -n 10 npm run build)
fi

DATA=$(mktemp -d)
PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
mkdir -p "$HERE/artifacts"

"$PORTAL" seed --demo --json --data-dir "$DATA" --port "$PORT" > "$DATA/logins.json"
# One dead letter for the dead-letters spec: a body that is no event, received five times without
# being handled, left dead as the workers leave such a message (written before the portal
# serves, so no worker holds the queue database meanwhile).
python3 - "$DATA/queue.db" <<'PY'
import sqlite3, sys
with sqlite3.connect(sys.argv[1]) as db:
    db.execute(
        "INSERT INTO messages (id, queue, body, visible_at, receive_count, receipt, dead) VALUES (?, ?, ?, 0, 5, NULL, 1)",
        ("01JDEADLETTERE2E0000000000", "events", '{"not":"an event"}'),
    )
PY
SMTP_PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
"$PORTAL" serve --port "$PORT" --data-dir "$DATA" --web-dist "$WEB/dist" --smtp-port "$SMTP_PORT" > "$HERE/artifacts/portal.log" 2>&1 &
SERVER=$!
stop() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$DATA"
}
trap stop EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://localhost:$PORT/api/v1/health" > /dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "the portal did not start:" >&2; cat "$HERE/artifacts/portal.log" >&2; exit 1; }
  sleep 0.1
done

cd "$HERE"
PORTAL_SMTP_PORT="$SMTP_PORT" PORTAL_PORT="$PORT" PORTAL_LOGINS="$DATA/logins.json" nice -n 10 node --test --test-concurrency=1 --test-reporter=spec specs/
