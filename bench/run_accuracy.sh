#!/usr/bin/env bash
# Accuracy (issue 3 bars) on the scenarios the bars name, at their scales,
# plus the researcher-heavy stress scenario (bench/scenarios/): each one
# simulated into a pipe to `analyze`, then `eval`. Prints one line per
# scenario (precision, recall, worst campaign completeness, worst persona
# FPR, bars) and exits 1 when a bar is missed. Takes ~5 min on 2 idle cores.
#
#   bench/run_accuracy.sh [SCENARIO:SCALE ...]
#   HW_BIN=path   HW_POLICY=policy.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${HW_BIN:-build/release/src/cli/hydrawatch}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
require run_accuracy.sh "$BIN" python3
make_work
RUNS=("$@")
[ ${#RUNS[@]} -gt 0 ] || RUNS=(small:1 feb2026:0.03 evasive:0.1 seed:0.1
  bench/scenarios/researchers_8k.yaml:1)
POLICY=()
[ -n "${HW_POLICY:-}" ] && POLICY=(--policy "$HW_POLICY")
failed=0
printf '%-40s %9s %9s %9s %-28s %-28s %s\n' scenario precision recall compl. "worst persona FPR" \
  "... with suspicious" bars
for run in "${RUNS[@]}"; do
  scn="${run%:*}" scale="${run##*:}" out="$WORK/r"
  rm -rf "$out"
  "$BIN" simulate --scenario "$scn" --scale "$scale" --out - --accounts "$WORK/a.jsonl" \
    --labels "$WORK/l.jsonl" 2>/dev/null |
    "$BIN" analyze - --accounts "$WORK/a.jsonl" --out "$out" --no-cases "${POLICY[@]}" \
      >/dev/null 2>"$WORK/analyze.log" || { cat "$WORK/analyze.log"; exit 2; }
  "$BIN" eval --labels "$WORK/l.jsonl" --result "$out" --quiet >/dev/null 2>&1
  python3 - "$out/eval.json" "$scn:$scale" <<'PY' || failed=1
import json, sys
views = json.load(open(sys.argv[1]))["views"]
v = views["attack"]
a = v["accounts"]
compl = min((c["completeness"] for c in v["campaigns"]), default=1.0)
worst = max(v["personas"], key=lambda p: p["fpr"])
# Suspicious accounts are held for review (enforcement.yaml throttles them
# online): the benign ones among them, for information; no bar.
sus = max(views["attack_or_suspicious"]["personas"], key=lambda p: p["fpr"])
# persona_enforced judges online runs (replay) only: n/a for analyze.
ok = all(b["status"] == "pass" or (b["name"] == "persona_enforced" and b["status"] == "n/a")
         for b in v["bars"])
print(f'{sys.argv[2]:40s} {a["precision"]:9.4f} {a["recall"]:9.4f} {compl:9.4f} '
      f'{worst["name"] + " " + format(worst["fpr"], ".4f"):28s} '
      f'{sus["name"] + " " + format(sus["fpr"], ".4f"):28s} {"pass" if ok else "FAIL"}')
sys.exit(0 if ok else 1)
PY
done
exit "$failed"
