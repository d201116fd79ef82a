#!/usr/bin/env bash
# Case file load time (issue 5): "a 25,000-account campaign page loads in
# under 2 s". Simulates a scenario whose one distillation campaign has
# 25,000 accounts (a few requests each, beside 2,000 ordinary users: about
# 216k events, seconds), analyzes it (C001 gets all 25,000 members), and
# times C001.html in Debian's headless Chromium against a floor page with
# the same table rows and nothing else; then serves the same events
# (`hydrawatch serve`, about a minute of ingest and detection) and times the
# console's page of that campaign (bench/casefile_load.mjs). Prints Markdown
# tables: copy them into bench/RESULTS.md.
#
#   bench/run_casefile_load.sh [RUNS]      (default 5)
#   HW_BASELINE_BIN=OLD/hydrawatch bench/run_casefile_load.sh [RUNS]
# The second form also serves the events with another build (say the commit
# before a console change) and times both consoles in alternation.
# Needs a release build (./hw build) and ./hw setup's chromium and
# tests/e2e/node_modules; installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
bin="${HW_BIN:-build/release/src/cli/hydrawatch}"
[ -x "$bin" ] || { echo "build first: ./hw build" >&2; exit 1; }
[ -x /usr/bin/chromium ] && [ -d tests/e2e/node_modules/playwright-core ] || { echo "run ./hw setup (chromium, tests/e2e/node_modules)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/scenario.yaml" <<'EOF'
version: 1
name: casefile-25k
seed: 11
start: 2026-04-22T00:00:00Z
days: 3
duplicate_rate: 0
models: {frontier-1: 1}
personas:
  - {kind: chat_user, accounts: 2000, requests_per_day: 3, active_days: 0.5}
campaigns:
  - id: big
    kind: distillation
    accounts: 25000
    concurrent: 25000
    requests: 200000
    templates: 4
    system_prompts: 2
    payment_instruments: 50
    proxy_kind: datacenter
    proxy_addresses: 200
    user_agents: 2
EOF
"$bin" simulate --scenario "$work/scenario.yaml" --out "$work/sim" >&2
"$bin" analyze "$work/sim/events.jsonl" --accounts "$work/sim/accounts.jsonl" --out "$work/result" >&2
members=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["campaigns"][0]["accounts"])' "$work/result/campaigns.json")
[ "$members" -ge 25000 ] || { echo "C001 has $members accounts, not 25,000: the scenario no longer makes one campaign" >&2; exit 1; }
node bench/casefile_load.mjs --page "$work/result/cases/C001.html" --runs "$runs" \
  --hydrawatch "$bin" --events "$work/sim/events.jsonl" --accounts "$work/sim/accounts.jsonl" --campaign C001 \
  ${HW_BASELINE_BIN:+--baseline "$HW_BASELINE_BIN"}
