#!/usr/bin/env bash
# The benchmark suite (docs/performance.md): builds the release binary and the load client,
# then runs each scenario; where there is a reference (the Node.js `ws` peer, nginx), runs
# alternate (ours, theirs, ours, theirs…) because this machine's speed drifts over minutes.
#
#   bench/run.sh                       every scenario (about 35 minutes)
#   bench/run.sh --scenario NAME       one of: fanout storm http writes expiry startup
#   bench/run.sh --quick [...]         small sizes, fewer runs (a smoke run)
#
# Fan-out (scenarios 1 and 2, here): 1k, 5k and 10k participants, 5 runs of each against the
# peer; bench/results/fanout.jsonl (every run), fanout.json (with the machine, for the plot),
# fanout.md (medians and ratios) and docs/performance-fanout.png (latency against N). The
# others are bench/scenarios/NAME.py, each writing bench/results/NAME.{json,md}.
set -euo pipefail
cd "$(dirname "$0")/.."

scenarios=()
quick=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=--quick ;;
    --scenario) scenarios+=("${2:?--scenario needs a name}"); shift ;;
    *) echo "usage: bench/run.sh [--quick] [--scenario NAME]..." >&2; exit 2 ;;
  esac
  shift
done
known=" fanout storm http writes expiry startup "
[ ${#scenarios[@]} -gt 0 ] || scenarios=($known)
for scenario in "${scenarios[@]}"; do
  [[ "$known" == *" $scenario "* ]] || { echo "unknown scenario '$scenario' (one of:$known)" >&2; exit 2; }
done

sizes=(1000 5000 10000)
runs=5
if [ -n "$quick" ]; then
  sizes=(1000)
  runs=2
fi

# What the suite needs beyond the build: Node.js + npm for the peer, matplotlib for the plot,
# curl to see a server is up, wrk and nginx for the HTTP scenario.
scripts/install-deps.sh build
need=()
# A machine with its own Node.js (not Debian's) keeps it.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then need+=(nodejs npm); fi
for package in python3-matplotlib curl wrk nginx-light; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || need+=("$package")
done
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi
(cd bench/peer && npm ci --no-audit --no-fund --loglevel=error)

cmake --preset bench >/dev/null
cmake --build build-bench --target convene convene-load

# 10k sockets on each side of loopback, plus the server's own files.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# Waits until something answers HTTP on $port (the server is up), for at most 10 s.
wait_for_port() {
  for _ in $(seq 200); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
    sleep 0.05  # polling for the port to answer, not a stand-in for a condition
  done
  echo "$1 did not start:" >&2; cat "$work/$1.log" >&2; exit 1
}

# Start a server in the background; each sets server_pid and port.
start_convene() {
  rm -f "$work"/bench.db*
  port=$(free_port)
  # Warnings only: an access line per request would be part of what is measured.
  build-bench/convene serve --listen "127.0.0.1:$port" --db "$work/bench.db" \
    --trusted-proxy 127.0.0.1 --log-level warn > "$work/convene.log" 2>&1 &
  server_pid=$!
  wait_for_port convene
}
start_peer() {
  port=$(free_port)
  # A 26-character session id, as Convene's, so both send messages of the same size.
  node bench/peer/server.mjs --port "$port" --session-id abcdefghijklmnopqrstuvwxyz \
    > "$work/peer.log" 2>&1 &
  server_pid=$!
  wait_for_port peer
}
stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=
}

run_fanout() {
  mkdir -p bench/results
  results=bench/results/fanout.jsonl
  : > "$results"
  for n in "${sizes[@]}"; do
    for run in $(seq "$runs"); do
      for server in convene peer; do
        "start_$server"
        echo "fan-out: $server, $n participants, run $run/$runs" >&2
        build-bench/convene-load --server "$server" --port "$port" --clients "$n" --changes 20 \
          --server-pid "$server_pid" >> "$results"
        stop_server
      done
    done
  done

  python3 bench/summarize.py "$results" bench/results/fanout.json bench/results/fanout.md \
    "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  python3 bench/plot.py bench/results/fanout.json docs/performance-fanout.png
  cat bench/results/fanout.md
}

for scenario in "${scenarios[@]}"; do
  case "$scenario" in
    fanout) run_fanout ;;
    *) python3 "bench/scenarios/$scenario.py" $quick ;;
  esac
done
