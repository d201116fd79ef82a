#!/usr/bin/env bash
# Analyze speed bar (issue 3): hydrawatch analyze end to end on a standard
# generated file, against, in the same run,
#   (a) the parse floor: the file read in 16 MiB chunks and every line fully
#       parsed by simdjson's DOM parser on both cores, nothing else;
#   (b) the peer a user would pick: DuckDB (npm @duckdb/node-api) reading the
#       file with read_json and one GROUP BY per account.
# Prints events/s and MB/s for all three and the ratios; appends nothing:
# copy the table into bench/RESULTS.md.
#
#   bench/run_analyze.sh [SCENARIO] [SCALE] [RUNS]     (default: feb2026 0.02 3)
#   HW_BIN=path: another hydrawatch binary (e.g. an older build, to compare)
# Needs a release build (./hw build) and, for DuckDB, Node.js with npm.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario="${1:-feb2026}" scale="${2:-0.02}" runs="${3:-3}"
bin="${HW_BIN:-build/release/src/cli/hydrawatch}"
floor=build/release/bench/parse_floor
work=build/bench/analyze-$scenario-$scale
[ -x "$bin" ] && [ -x "$floor" ] || { echo "build first: ./hw build" >&2; exit 1; }
mkdir -p "$work"
if [ ! -s "$work/events.jsonl" ]; then
  "$bin" simulate --scenario "$scenario" --scale "$scale" --out "$work" >&2
fi
file="$work/events.jsonl"
bytes=$(stat -c %s "$file")
lines=$(wc -l < "$file")
echo "file: $file: $lines events, $((bytes / 1000000)) MB, $((bytes / lines)) bytes/event" >&2

# Warm the page cache so that every contender reads from memory.
cat "$file" > /dev/null

duck_ok=0
if command -v node > /dev/null; then
  if [ ! -d bench/duckdb/node_modules/@duckdb ]; then
    (cd bench/duckdb && npm install --no-audit --no-fund > /dev/null 2>&1) || true
  fi
  [ -d bench/duckdb/node_modules/@duckdb ] && duck_ok=1
fi

# The three contenders take turns in every round, so that a slow spell of a
# shared machine hits all of them; each keeps its best round.
min() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a == "" || b + 0 < a + 0) print b; else print a }'; }
floor_s="" analyze_s="" analyze_rss="" duck_s=""
for _ in $(seq "$runs"); do
  s=$(/usr/bin/time -f "%e" "$floor" "$file" 2 2>&1 >/dev/null | tail -n 1)
  floor_s=$(min "$floor_s" "$s")
  /usr/bin/time -o "$work/time.txt" -f "%e %M" "$bin" analyze "$file" \
    --accounts "$work/accounts.jsonl" --out "$work/result" 2>/dev/null
  out=$(tail -n 1 "$work/time.txt")
  s=${out% *} rss=${out#* }
  if [ -z "$analyze_s" ] || awk "BEGIN{exit !($s < $analyze_s)}"; then analyze_s=$s analyze_rss=$rss; fi
  if [ "$duck_ok" = 1 ]; then
    s=$(node bench/duckdb/group_by.mjs "$PWD/$file" 2 | sed 's/.*"seconds":\([0-9.e+-]*\).*/\1/' | awk '{printf "%.2f", $1}')
    duck_s=$(min "$duck_s" "$s")
  fi
done
[ -n "$duck_s" ] || duck_s="n/a"

rate() { awk -v n="$1" -v s="$2" 'BEGIN{ if (s == "n/a") print "n/a"; else printf "%.0f", n / s }'; }
mbs() { awk -v b="$bytes" -v s="$1" 'BEGIN{ if (s == "n/a") print "n/a"; else printf "%.0f", b / 1e6 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a == "n/a" || b == "n/a") print "n/a"; else printf "%.2f", b / a }'; }

echo
echo "| contender | seconds | events/s | MB/s | analyze speed / contender |"
echo "|---|---|---|---|---|"
echo "| parse floor (simdjson DOM, 2 threads) | $floor_s | $(rate "$lines" "$floor_s") | $(mbs "$floor_s") | $(ratio "$analyze_s" "$floor_s") |"
echo "| DuckDB read_json + GROUP BY (2 threads) | $duck_s | $(rate "$lines" "$duck_s") | $(mbs "$duck_s") | $(ratio "$analyze_s" "$duck_s") |"
echo "| hydrawatch analyze (2 workers) | $analyze_s | $(rate "$lines" "$analyze_s") | $(mbs "$analyze_s") | 1.00 |"
echo
echo "analyze peak RSS: $((analyze_rss / 1024)) MB; best of $runs runs; $(nproc) cores; $(date -u +%F)"
