#!/usr/bin/env bash
# Ingest benchmark (issue 4 bar: >= 200k events/s sustained over HTTP while
# checks are served). Generates `feb2026` at a small scale, starts serve with
# crash-safe state (RocksDB journal + checkpoints), and posts the events as
# 1 MiB JSON Lines batches over one keep-alive connection while wrk sends
# gateway checks on another listener. Floor, same run: the same client
# posting the same batches to nginx (`return 200`, body read): the cost of
# moving the bytes. The client is bench/post_events (C++: one writev per
# batch from the file's pages), so that it takes little of the two cores the
# server under test has. Installs nothing: needs wrk, nginx, python3 and a
# built hydrawatch and post_events (./hw setup / build); otherwise says so
# and exits 0.
#
#   bench/run_ingest.sh [scale]     (default 0.005: about 1.1M events)
#   HW_BIN=path  HW_BENCH_STATE=0 (no state store)  HW_BENCH_CHECKS=0 (no wrk)
#   HW_BENCH_CHECKPOINT_BYTES=N: state.checkpoint_bytes (default: serve's)
#   HW_BENCH_CLIENTS=N: N clients post at once, each on its own keep-alive
#   connection, batch k from client k mod N (default 1). One client waits
#   for each answer before it sends the next batch, so serve idles while the
#   client sends; log shippers in production are many. The nginx floor uses
#   the same clients.
#   HW_BENCH_PACE=RATE (events/s): real-time pacing. By default the 45 days
#   of the scenario are posted as fast as serve takes them, so event time
#   runs ~40,000x faster than wall time and a detection (every 60 s of event
#   time) is always due: the detector thread never idles. With a RATE, event
#   times are rewritten to RATE events per second (in input order, from the
#   first event's minute) and batch k is posted no earlier than its first
#   event's time after the start: event time advances with wall time, as in
#   production, and detection runs every 60 s of wall time. The figure is
#   then at most RATE; "kept pace" says whether serve took it. A paced run
#   shorter than a minute sees no detection run: HW_BENCH_DETECT_PERIOD=1s
#   (bench/lib.sh) runs one every second of it.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-0.005}"
BIN="${HW_BIN:-build/release/src/cli/hydrawatch}"
POST=build/release/bench/post_events
STATE="${HW_BENCH_STATE:-1}"
CLIENTS="${HW_BENCH_CLIENTS:-1}"
PACE="${HW_BENCH_PACE:-0}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
require run_ingest.sh "$BIN" wrk nginx python3
require run_ingest.sh "$POST"

make_work
CHECK_PORT=$(free_port); ADMIN_PORT=$(free_port); NGINX_PORT=$(free_port)

simulate() {
  "$BIN" simulate --scenario feb2026 --scale "$SCALE" --out - --accounts "$WORK/accounts.jsonl" \
    --labels "$WORK/labels.jsonl" 2>/dev/null
}
if [ "$PACE" = 0 ]; then
  simulate >"$WORK/events.jsonl"
else
  # Event time i / PACE seconds after the first event's minute, line i. One
  # line at a time: a long run's input need not fit in memory.
  cat >"$WORK/restamp.py" <<'PY'
import datetime, sys
rate = float(sys.argv[1])
key = b'"time":"'
t0 = None
out = sys.stdout.buffer
for i, ln in enumerate(sys.stdin.buffer):
    k = ln.find(key)
    if k < 0:
        out.write(ln); continue
    a = k + len(key); b = ln.find(b'"', a)
    if t0 is None:
        t = datetime.datetime.fromisoformat(ln[a:b].decode().replace("Z", "+00:00"))
        t0 = t.replace(second=0, microsecond=0)
    t = t0 + datetime.timedelta(microseconds=round(i * 1e6 / rate))
    out.write(ln[:a] + t.strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode() + ln[b:])
PY
  simulate | python3 "$WORK/restamp.py" "$PACE" >"$WORK/events.jsonl"
fi
EVENTS=$(wc -l <"$WORK/events.jsonl"); BYTES=$(stat -c %s "$WORK/events.jsonl")
echo "== input: feb2026 scale $SCALE: $EVENTS events, $((BYTES / 1048576)) MiB$([ "$PACE" != 0 ] && echo ", event time re-stamped to $PACE events/s")"

STATE_YAML=""
[ "$STATE" = 1 ] && STATE_YAML="state: {dir: state${HW_BENCH_CHECKPOINT_BYTES:+, checkpoint_bytes: $HW_BENCH_CHECKPOINT_BYTES}}"
ingest_serve_yaml "$STATE_YAML"
"$BIN" serve --config "$WORK/serve.yaml" 2>"$WORK/serve.log" &
SERVE_PID=$!
PIDS+=($!)

mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  client_max_body_size 8m; client_body_buffer_size 8m; keepalive_requests 1000000;
  server { listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://127.0.0.1:$NGINX_PORT/sink; }
    location /sink { return 200; } }
}
NGINX
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)
wait_port "$ADMIN_PORT"

# Checks all along the ingest run.
WRK=""
[ "${HW_BENCH_CHECKS:-1}" = 1 ] && start_checks "$WORK/wrk.txt"
# serve's CPU seconds (user + system) while the batches are posted.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$SERVE_PID/stat"; }
CPU0=$(cpu_s)
read -r HW_S HW_ACC HW_BUSY NB HW_LATE < <("$POST" "$ADMIN_PORT" /v1/events "$WORK/events.jsonl" "$PACE" "$CLIENTS")
CPU1=$(cpu_s)
[ -n "$WRK" ] && { kill -INT "$WRK" 2>/dev/null || true; wait "$WRK" 2>/dev/null || true; }
read -r NG_S _ _ _ _ < <("$POST" "$NGINX_PORT" / "$WORK/events.jsonl" 0 "$CLIENTS")
echo "== checks served during ingest (wrk, ${HW_BENCH_CHECK_CONNS:-16} connections, delay ${HW_BENCH_CHECK_DELAY_MS:-0} ms)"
grep -E "Requests/sec|99%|Latency " "$WORK/wrk.txt" || true
curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | grep -E "^hydrawatch_(ingest|detection)" || true
python3 - "$HW_S" "$HW_ACC" "$HW_BUSY" "$NB" "$NG_S" "$EVENTS" "$BYTES" "$STATE" "$PACE" "$HW_LATE" "$CPU0" "$CPU1" "$CLIENTS" <<'PY'
import sys
hs, acc, busy, nb, ns, ev, by, st, pace, late, c0, c1, cl = map(float, sys.argv[1:])
print("\nhydrawatch ingest (%s, %s, %d client%s): %.0f events/s, %.0f MB/s (%d batches, %d answered 429, %d accepted)" % (
    "RocksDB state" if st else "in memory",
    "paced at %.0f events/s" % pace if pace else "compressed event time", cl, "" if cl == 1 else "s",
    ev / hs, by / hs / 1e6, nb, busy, acc))
print("serve CPU while posting: %.2f s (%.1f us per event, %.2f cores)" % (c1 - c0, (c1 - c0) / ev * 1e6, (c1 - c0) / hs))
if pace:
    print("kept pace: %s (latest batch posted %.3f s after its due time)" % ("yes" if late < 0.5 else "NO", late))
print("nginx floor (same clients, same batches): %.0f events/s, %.0f MB/s" % (ev / ns, by / ns / 1e6))
# Paced, the rate cannot exceed the pace: keeping a pace of 200k or more is
# the bar met.
met = ev / hs >= 200000 or (pace >= 200000 and late < 0.5)
print("ratio: %.2f of the floor; bar >= 200000 events/s: %s" % (ns / hs, "yes" if met else "NO"))
PY
