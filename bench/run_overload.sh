#!/usr/bin/env bash
# Overload benchmark (issue 4 bar: "memory bounded under a 10x overload
# burst; no crash, no lost accepted event"). Generates `feb2026` at a small
# scale and starts serve with crash-safe state, then posts the events as
# 1 MiB JSON Lines batches, with wrk sending gateway checks all along:
#
#   1. sustained: the first half, one client, in order (the rate serve keeps
#      up with);
#   2. burst: the second half, batch k from client k % 10, each client
#      retrying a 429 at once, without waiting: ten clients offering what
#      one already saturates.
#
# The serve process's RSS is sampled every 20 ms. Printed: events/s, 429s
# and peak RSS of each phase; then the books: the events the clients were
# told were accepted against `hydrawatch_ingest_events_total`, and, after a
# whether serve is still running. (Crash safety of what was accepted is
# tests/unit/state's crash test.) Needs wrk, curl, python3 and a built
# hydrawatch; otherwise says so and exits 0.
#
#   bench/run_overload.sh [scale]     (default 0.002: about 670k events)
#   HW_BIN=path
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-0.002}"
BIN="${HW_BIN:-build/release/src/cli/hydrawatch}"
CLIENTS=10
# shellcheck source=bench/lib.sh
source bench/lib.sh
require run_overload.sh "$BIN" wrk python3 curl

make_work
CHECK_PORT=$(free_port); ADMIN_PORT=$(free_port)

"$BIN" simulate --scenario feb2026 --scale "$SCALE" --out - --accounts "$WORK/accounts.jsonl" \
  --labels "$WORK/labels.jsonl" >"$WORK/events.jsonl" 2>/dev/null
# Phase 1 gets the first half of the event-time span, the burst the second,
# so that detection keeps running through both.
EVENTS=$(wc -l <"$WORK/events.jsonl"); BYTES=$(stat -c %s "$WORK/events.jsonl")
HALF=$((EVENTS / 2))
head -n "$HALF" "$WORK/events.jsonl" >"$WORK/events1.jsonl"
tail -n +"$((HALF + 1))" "$WORK/events.jsonl" >"$WORK/events2.jsonl"
echo "== input: feb2026 scale $SCALE: $EVENTS lines, $((BYTES / 1048576)) MiB; half sustained, half in the burst"

ingest_serve_yaml "state: {dir: state}"
start_serve() {
  "$BIN" serve --config "$WORK/serve.yaml" 2>>"$WORK/serve.log" &
  SERVE=$!
  PIDS+=("$SERVE")
  wait_port "$ADMIN_PORT"
}
start_serve

cat >"$WORK/post.py" <<'PY'
# post.py PORT PID CLIENTS FILE...: posts each FILE as 1 MiB batches (split at
# line ends) from CLIENTS threads, batch k to thread k % CLIENTS, retrying a
# 429 at once; samples PID's VmRSS every 20 ms. Prints seconds, accepted
# events (summed from the answers), 429s, batches, peak RSS (KiB).
import http.client, sys, threading, time
port, pid, clients = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
batches = []
for fname in sys.argv[4:]:
    data = open(fname, "rb").read()
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", min(len(data), pos + (1 << 20)) - 1)
        end = len(data) if end < 0 else end + 1
        batches.append(data[pos:end]); pos = end
accepted = [0] * clients; busy = [0] * clients; errors = []
peak = [0]; done = threading.Event()
def rss():
    while not done.is_set():
        try:
            for line in open("/proc/%d/status" % pid):
                if line.startswith("VmRSS:"): peak[0] = max(peak[0], int(line.split()[1]))
        except OSError:
            errors.append("serve exited"); return
        time.sleep(0.02)
def client(k):
    c = http.client.HTTPConnection("127.0.0.1", port)
    h = {"Authorization": "Bearer bench-admin", "Content-Type": "application/x-ndjson"}
    for b in batches[k::clients]:
        while True:
            c.request("POST", "/v1/events", b, h)
            r = c.getresponse(); body = r.read()
            if r.status == 429: busy[k] += 1; continue
            if r.status != 200: errors.append("%d %s" % (r.status, body[:200])); return
            i = body.find(b'"accepted":'); accepted[k] += int(body[i + 11:body.find(b",", i)])
            break
sampler = threading.Thread(target=rss); sampler.start()
t0 = time.time()
threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
dt = time.time() - t0
done.set(); sampler.join()
if errors: sys.exit("post.py: " + "; ".join(errors[:3]))
print("%.3f %d %d %d %d" % (dt, sum(accepted), sum(busy), len(batches), peak[0]))
PY

metric() { curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
rss_now() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVE/status"; }

RSS0=$(rss_now)
start_checks "$WORK/wrk1.txt"
read -r S1 A1 B1 N1 P1 < <(python3 "$WORK/post.py" "$ADMIN_PORT" "$SERVE" 1 "$WORK/events1.jsonl")
kill -INT "$WRK" 2>/dev/null || true; wait "$WRK" 2>/dev/null || true
RSS1=$(rss_now)
start_checks "$WORK/wrk2.txt"
read -r S2 A2 B2 N2 P2 < <(python3 "$WORK/post.py" "$ADMIN_PORT" "$SERVE" "$CLIENTS" "$WORK/events2.jsonl")
kill -INT "$WRK" 2>/dev/null || true; wait "$WRK" 2>/dev/null || true
RSS2=$(rss_now)
COUNTED=$(metric hydrawatch_ingest_events_total)
DUPS=$(metric hydrawatch_ingest_duplicates_total)
REJ=$(metric hydrawatch_ingest_rejected_total)
ALIVE=no; kill -0 "$SERVE" 2>/dev/null && ALIVE=yes

for f in wrk1 wrk2; do
  echo "== checks during phase ${f#wrk} (wrk, 16 connections)"
  grep -E "Requests/sec|  99%" "$WORK/$f.txt" || true
done
python3 - "$EVENTS" "$S1" "$A1" "$B1" "$N1" "$P1" "$S2" "$A2" "$B2" "$N2" "$P2" "$RSS0" "$RSS1" "$RSS2" \
  "$COUNTED" "$DUPS" "$REJ" "$CLIENTS" <<'PY'
import sys
ev = float(sys.argv[1]) / 2; s1, a1, b1, n1, p1, s2, a2, b2, n2, p2 = map(float, sys.argv[2:12])
r0, r1, r2, counted, dups, rej, clients = map(float, sys.argv[12:19])
print("\n| phase | clients | events/s | batches | 429s | peak RSS |")
print("|---|---|---|---|---|---|")
print("| sustained | 1 | %.0f | %d | %d | %.0f MB |" % (ev / s1, n1, b1, p1 / 1024))
print("| burst | %d | %.0f | %d | %d | %.0f MB |" % (clients, ev / s2, n2, b2, p2 / 1024))
print("\nRSS: %.0f MB at start, %.0f MB after phase 1, %.0f MB after the burst" % (r0 / 1024, r1 / 1024, r2 / 1024))
print("burst peak / sustained peak: %.2f; burst peak - RSS after the burst: %.0f MB (what the burst held in flight)"
      % (p2 / p1, (p2 - r2) / 1024))
print("accepted (client books) %d + %d = %d; hydrawatch_ingest_events_total %d; duplicates %d; rejected %d"
      % (a1, a2, a1 + a2, counted, dups, rej))
print("books balance: %s" % ("yes" if counted == a1 + a2 else "NO"))
PY
echo "serve still running after the burst: $ALIVE"
