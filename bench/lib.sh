# shellcheck shell=bash
# Shared by the bench/run_*.sh scripts (sourced, not run): the check that
# what a benchmark needs is there (benchmarks install nothing), a scratch
# folder whose processes and files go when the script exits, free ports.

PATH="$PATH:/usr/sbin" # nginx, on Debian

# require SCRIPT BIN TOOL...: exits 0 with a "skipped" line when a TOOL is
# not on PATH or BIN (hydrawatch) is not built: a missing benchmark is not
# a failure.
require() {
  local script="$1" bin="$2" tool
  shift 2
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$script: $tool not found; skipped (./hw setup installs it)"; exit 0; }
  done
  [ -x "$bin" ] || { echo "$script: $bin not built (./hw build); skipped"; exit 0; }
}

# make_work: WORK, a fresh temporary folder, and PIDS, the processes started
# (append with PIDS+=($!)); at exit they are killed and waited for and WORK
# is removed.
make_work() {
  WORK="$(mktemp -d)"
  PIDS=()
  trap cleanup EXIT
}
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}

# A TCP port free on 127.0.0.1 now (the caller binds it soon after).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_port PORT: returns once 127.0.0.1:PORT accepts connections, or after
# 10 s (what comes next then fails and says why).
wait_port() {
  for _ in $(seq 100); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.1)' "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 0
}

# ingest_serve_yaml [EXTRA_LINE]: WORK/serve.yaml for the ingest benchmarks:
# serve on CHECK_PORT and ADMIN_PORT, 2 threads, 4 MiB bodies, admin token
# "bench-admin" (its hash), the engine on WORK/accounts.jsonl with 60 s
# detection periods (HW_BENCH_DETECT_PERIOD: another, e.g. 1s;
# HW_BENCH_FOLD_THREADS: engine.fold_threads), plus
# EXTRA_LINE (e.g. "state: {dir: state}").
ingest_serve_yaml() {
  local token_hash
  token_hash=$(printf %s bench-admin | sha256sum | cut -c1-64)
  cat >"$WORK/serve.yaml" <<YAML
version: 1
listen: {check: 127.0.0.1:$CHECK_PORT, admin: 127.0.0.1:$ADMIN_PORT}
threads: 2
limits: {max_body_bytes: 4194304}
auth: {admin_tokens: [$token_hash]}
engine: {accounts: accounts.jsonl, detect_period: ${HW_BENCH_DETECT_PERIOD:-60s}${HW_BENCH_FOLD_THREADS:+, fold_threads: $HW_BENCH_FOLD_THREADS}}
${1:-}
YAML
}

# start_checks OUT: wrk sending gateway checks (nginx auth_request style, a
# random one of 100,000 account ids) to CHECK_PORT, until killed (WRK is its
# pid); its report goes to OUT. HW_BENCH_CHECK_CONNS connections (default
# 16), as fast as answered; with HW_BENCH_CHECK_DELAY_MS=D each connection
# waits D ms after each answer (wrk's delay()), which bounds the rate near
# connections x 1000 / D per second: a gateway's steady load instead of all
# the CPU the machine has left. The report gives the rate reached.
start_checks() {
  cat >"$WORK/check.lua" <<'LUA'
math.randomseed(7)
request = function()
  return wrk.format("GET", "/nginx/check", {["x-account-id"] = "acct_" .. math.random(100000)})
end
LUA
  if [ "${HW_BENCH_CHECK_DELAY_MS:-0}" != 0 ]; then
    printf 'delay = function() return %s end\n' "$HW_BENCH_CHECK_DELAY_MS" >>"$WORK/check.lua"
  fi
  wrk -t1 -c"${HW_BENCH_CHECK_CONNS:-16}" -d600s --latency -s "$WORK/check.lua" \
    "http://127.0.0.1:$CHECK_PORT/" >"$1" 2>&1 &
  # shellcheck disable=SC2034 # read by the caller
  WRK=$!
}
