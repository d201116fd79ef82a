#!/usr/bin/env bash
# Load benchmark of the gateway check endpoint (issue 4 bars: >= 30k checks/s
# with p99 <= 2 ms, and >= 50% of nginx answering `return 200` in the same
# run). Installs nothing: needs wrk and nginx on PATH (./hw installs both)
# and a built hydrawatch; otherwise it says so and exits 0. Loopback only,
# bounded in time.
#
#   bench/run_serve.sh [seconds]        (default 10 per target)
#   HW_BIN=path/to/hydrawatch  HW_BENCH_THREADS=2  HW_BENCH_CONNS=64  HW_BENCH_ACCOUNTS=200000
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN="${1:-10}"
BIN="${HW_BIN:-build/release/src/cli/hydrawatch}"
THREADS="${HW_BENCH_THREADS:-2}"
CONNS="${HW_BENCH_CONNS:-64}"
ACCOUNTS="${HW_BENCH_ACCOUNTS:-200000}"
PATH="$PATH:/usr/sbin"

for tool in wrk nginx python3; do
  command -v "$tool" >/dev/null || { echo "run_serve.sh: $tool not found; skipped (./hw setup installs it)"; exit 0; }
done
[ -x "$BIN" ] || { echo "run_serve.sh: $BIN not built (./hw build); skipped"; exit 0; }

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
CHECK_PORT=$(free_port); ADMIN_PORT=$(free_port); NGINX_PORT=$(free_port)

# API keys (stored hashed) for $ACCOUNTS accounts: sk-bench-<i> -> acct_<i>.
python3 - "$WORK/keys.jsonl" "$ACCOUNTS" <<'PY'
import hashlib, sys
with open(sys.argv[1], "w") as f:
    for i in range(1, int(sys.argv[2]) + 1):
        h = hashlib.sha256(b"sk-bench-%d" % i).hexdigest()
        f.write('{"key.sha256":"%s","user.id":"acct_%d"}\n' % (h, i))
PY
TOKEN_HASH=$(printf %s bench-admin | sha256sum | cut -c1-64)
cat >"$WORK/serve.yaml" <<YAML
version: 1
listen: {check: 127.0.0.1:$CHECK_PORT, admin: 127.0.0.1:$ADMIN_PORT}
threads: $THREADS
account: {header: x-api-key, lookup: api_key, api_keys: keys.jsonl, unknown: allow}
auth: {admin_tokens: [$TOKEN_HASH]}
YAML
"$BIN" serve --config "$WORK/serve.yaml" 2>"$WORK/serve.log" &
PIDS+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null 2>&1 && break
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.1)' "$ADMIN_PORT" 2>/dev/null && break
  sleep 0.1
done

# Decisions: 1 in 10 accounts suspended, 1 in 10 throttled (a limit the
# benchmark does not reach), over keep-alive POSTs to the decisions API.
python3 - "$ADMIN_PORT" "$ACCOUNTS" <<'PY'
import http.client, json, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port)
h = {"Authorization": "Bearer bench-admin", "Content-Type": "application/json"}
made = 0
for i in range(1, n + 1):
    if i % 10 == 0:
        d = {"account": "acct_%d" % i, "action": "suspend", "duration": "7d", "reason": "bench"}
    elif i % 10 == 1:
        d = {"account": "acct_%d" % i, "action": "throttle", "duration": "7d",
             "throttle": {"requests": 1000000000, "window": "1h"}}
    else:
        continue
    c.request("POST", "/v1/decisions", json.dumps(d), h)
    r = c.getresponse(); r.read()
    if r.status != 201: sys.exit("POST /v1/decisions: %d" % r.status)
    made += 1
print("populated: %d accounts with API keys, %d decisions" % (n, made))
PY

cat >"$WORK/check.lua" <<LUA
-- A random account's API key per request, as a gateway would forward it.
math.randomseed(42)
request = function()
  return wrk.format("GET", "/envoy/check/v1/messages", {["x-api-key"] = "sk-bench-" .. math.random($ACCOUNTS)})
end
LUA

mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<NGINX
worker_processes $THREADS;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$NGINX_PORT; location / { return 200; } }
}
NGINX
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)
sleep 0.5

run_wrk() {  # url -> wrk output
  wrk -t2 -c"$CONNS" -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/check.lua" "$1"
}
rate() { awk '/^Requests\/sec:/ {print $2}'; }
p99_ms() {
  awk '$1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
        f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.3f\n", v * f }'
}

echo "== hydrawatch check endpoint (Envoy ext_authz, API-key lookup, $THREADS threads, $CONNS connections, ${SECONDS_PER_RUN}s)"
HW_OUT=$(run_wrk "http://127.0.0.1:$CHECK_PORT/"); echo "$HW_OUT"
echo "== nginx 'return 200' floor (same client, same requests)"
NG_OUT=$(run_wrk "http://127.0.0.1:$NGINX_PORT/"); echo "$NG_OUT"

HW_RATE=$(echo "$HW_OUT" | rate); HW_P99=$(echo "$HW_OUT" | p99_ms)
NG_RATE=$(echo "$NG_OUT" | rate); NG_P99=$(echo "$NG_OUT" | p99_ms)
curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" 2>/dev/null | grep -E '^hydrawatch_checks_total' || true
python3 - "$HW_RATE" "$HW_P99" "$NG_RATE" "$NG_P99" <<'PY'
import sys
hw, hp, ng, npp = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
ratio = hw / ng if ng else 0
print("\nhydrawatch: %.0f checks/s, p99 %.3f ms" % (hw, hp))
print("nginx:      %.0f req/s,    p99 %.3f ms" % (ng, npp))
print("ratio:      %.0f%% of nginx" % (100 * ratio))
print("bars (issue 4): >= 30000 checks/s: %s; p99 <= 2 ms: %s; >= 50%% of nginx: %s" % (
    "yes" if hw >= 30000 else "NO", "yes" if hp <= 2 else "NO", "yes" if ratio >= 0.5 else "NO"))
PY
