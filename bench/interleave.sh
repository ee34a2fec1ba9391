#!/usr/bin/env bash
# Gateway vs nginx, CPU µs per non-stream chat request, measured in alternating short windows so that both see the
# same machine weather (this shared VM drifts by ±30 % within minutes). Prints each round and the median ratio.
#   bench/interleave.sh [ROUNDS=16] [SECONDS=5]
# Needs the bench mocks and the nginx peer (../shared/bench: mock/start.sh; peers/start.sh nginx) and a warm gateway
# on :8080 started with bench/gateway-bench.yaml (e.g. as bench/run.sh starts it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
harness="${BENCH_DIR:-$root/../shared/bench}"
rounds="${1:-16}"; secs="${2:-5}"
gw=$(pgrep -f 'gateway-bench.yaml' | head -1)
nginx=$(pgrep -P "$(cat "$harness/run/peer-nginx.pid")" | head -1)
body="$harness/load/bodies/chat.json"
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
measure() { # PID URL -> µs of CPU per request over one window
  local c0 c1 out reqs
  c0=$(cpu "$1")
  out=$(taskset -c "${HARNESS_CPUS:-1}" wrk -t1 -c50 -d"${secs}s" -s "$harness/load/wrk-post.lua" \
        -H 'Authorization: Bearer sk-bench-client-key' -H 'Content-Type: application/json' "$2" -- "$body" 2>&1)
  c1=$(cpu "$1")
  reqs=$(echo "$out" | grep -oE '[0-9]+ requests in' | awk '{print $1}')
  echo "scale=1; ($c1 - $c0) * 1000000 / $(getconf CLK_TCK) / $reqs" | bc
}
ratios=()
for i in $(seq 1 "$rounds"); do
  g=$(measure "$gw" http://127.0.0.1:8080/v1/chat/completions)
  n=$(measure "$nginx" http://127.0.0.1:18081/v1/chat/completions)
  r=$(echo "scale=2; $g / $n" | bc)
  ratios+=("$r")
  echo "round $i: switchboard $g µs, nginx $n µs, ratio $r"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print "median ratio " a[int((NR+1)/2)] " over " NR " rounds"}'
