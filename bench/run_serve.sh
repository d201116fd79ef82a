#!/usr/bin/env bash
# Load benchmark of the gateway check endpoint (issue 4 bars: >= 30k checks/s
# with p99 <= 2 ms, and >= 50% of nginx answering `return 200` in the same
# run). Installs nothing: needs wrk and nginx on PATH (./hw installs both)
# and a built hydrawatch; otherwise it says so and exits 0. Loopback only,
# bounded in time.
#
#   bench/run_serve.sh [seconds]        (default 10 per target and connection count)
#   HW_BIN=path/to/hydrawatch  HW_BENCH_THREADS=2  HW_BENCH_CONNS="8 16 64"
#   HW_BENCH_REPEAT=1  HW_BENCH_ACCOUNTS=200000
#
# hydrawatch and nginx run alternately for each connection count (and each
# repeat), so both see the same machine; the table at the end gives
# checks/s, p50/p99/p99.9 and how wrk's connections were spread over the
# event loops (hydrawatch) and workers (nginx).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN="${1:-10}"
BIN="${HW_BIN:-build/release/src/cli/hydrawatch}"
THREADS="${HW_BENCH_THREADS:-2}"
CONNS="${HW_BENCH_CONNS:-8 16 64}"
REPEAT="${HW_BENCH_REPEAT:-1}"
ACCOUNTS="${HW_BENCH_ACCOUNTS:-200000}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
require run_serve.sh "$BIN" wrk nginx python3

make_work
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
HW_PID=$!
PIDS+=("$HW_PID")
wait_port "$ADMIN_PORT"

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
-- wrk --latency prints p50..p99 only; the bars need p99.9 as well (us).
done = function(summary, latency, requests)
  io.write(string.format("LATENCY_US %d %d %d %d\n", latency:percentile(50),
    latency:percentile(99), latency:percentile(99.9), latency.max))
end
LUA

# Established connections on PORT held by each epoll instance of the given
# processes (one per hydrawatch event loop, one per nginx worker): how the
# connections were spread over the loops.
cat >"$WORK/loops.py" <<'PY'
import os, sys
port, pids = int(sys.argv[1]), sys.argv[2:]
established = set()  # socket inodes of connections accepted on port
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        with open(table) as f:
            rows = [line.split() for line in f.readlines()[1:]]
    except OSError:
        continue
    for r in rows:
        if r[3] == "01" and int(r[1].rsplit(":", 1)[1], 16) == port:
            established.add(r[9])
counts = []
for pid in pids:
    try:
        fds = {fd: os.readlink("/proc/%s/fd/%s" % (pid, fd)) for fd in os.listdir("/proc/%s/fd" % pid)}
    except OSError:
        continue
    for fd in sorted(fds, key=int):
        if fds[fd] != "anon_inode:[eventpoll]":
            continue
        with open("/proc/%s/fdinfo/%s" % (pid, fd)) as f:
            watched = [line.split()[1] for line in f if line.startswith("tfd:")]
        counts.append(sum(fds.get(t, "")[8:-1] in established for t in watched))
print("/".join(map(str, counts)) or "?")
PY

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
NGINX_PID=$!
PIDS+=("$NGINX_PID")
sleep 0.5

# run TARGET CONNS: wrk against hydrawatch (hw) or nginx (ng); prints wrk's
# output and leaves "rate p50 p99 p99.9 max loops" in $WORK/last.
run() {
  local target="$1" conns="$2" port pids out loops
  if [ "$target" = hw ]; then port=$CHECK_PORT; pids=$HW_PID; else port=$NGINX_PORT; pids=$(pgrep -P "$NGINX_PID" | tr '\n' ' '); fi
  wrk -t2 -c"$conns" -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/check.lua" "http://127.0.0.1:$port/" >"$WORK/wrk.out" &
  local wrk_pid=$!
  # Sampled once wrk has connected (again if it had not yet, on a busy machine).
  for _ in 1 2 3; do
    sleep 0.5
    # shellcheck disable=SC2086
    loops=$(python3 "$WORK/loops.py" "$port" $pids)
    [[ "$loops" =~ [1-9] ]] && break
  done
  wait "$wrk_pid"
  out=$(cat "$WORK/wrk.out")
  echo "$out"
  echo "connections per event loop: $loops"
  echo "$(echo "$out" | awk '/^Requests\/sec:/ {print $2}') $(echo "$out" | awk '/^LATENCY_US/ {print $2, $3, $4, $5}') $loops" >"$WORK/last"
}

: >"$WORK/results"
for rep in $(seq "$REPEAT"); do
  for conns in $CONNS; do
    echo "== [$rep/$REPEAT] hydrawatch check endpoint (Envoy ext_authz, API-key lookup, $THREADS threads, $conns connections, ${SECONDS_PER_RUN}s)"
    run hw "$conns"; echo "hw $conns $(cat "$WORK/last")" >>"$WORK/results"
    echo "== [$rep/$REPEAT] nginx 'return 200' floor (same client, same requests, $conns connections)"
    run ng "$conns"; echo "ng $conns $(cat "$WORK/last")" >>"$WORK/results"
  done
done

curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" 2>/dev/null | grep -E '^hydrawatch_checks_total' || true
python3 - "$WORK/results" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
ms = lambda us: "%.2f" % (float(us) / 1000)
print("\n| conns | hydrawatch checks/s | p50 | p99 | p99.9 | loops | nginx req/s | p50 | p99 | p99.9 | workers | ratio |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
bad = []
for hw, ng in zip(rows[0::2], rows[1::2]):
    conns, hr, hp50, hp99, hp999, hloops = hw[1], float(hw[2]), hw[3], hw[4], hw[5], hw[7]
    nr, np50, np99, np999, nloops = float(ng[2]), ng[3], ng[4], ng[5], ng[7]
    ratio = hr / nr if nr else 0
    print("| %s | %.0f | %s ms | %s ms | %s ms | %s | %.0f | %s ms | %s ms | %s ms | %s | %.0f%% |" % (
        conns, hr, ms(hp50), ms(hp99), ms(hp999), hloops, nr, ms(np50), ms(np99), ms(np999), nloops, 100 * ratio))
    if hr < 30000: bad.append("%s conns: %.0f checks/s < 30000" % (conns, hr))
    if float(hp99) > 2000: bad.append("%s conns: p99 %s ms > 2 ms" % (conns, ms(hp99)))
    if ratio < 0.5: bad.append("%s conns: %.0f%% of nginx < 50%%" % (conns, 100 * ratio))
print("\nbars (issue 4: >= 30000 checks/s, p99 <= 2 ms, >= 50% of nginx): " + ("met in every run" if not bad else "; ".join(bad)))
PY
