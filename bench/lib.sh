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
