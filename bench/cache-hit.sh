#!/usr/bin/env bash
# Exact cache hits against proxied requests, same build, same minute: gateway A (:8080) proxies every request to the
# bench's static mock; gateway B (:8090) has `stages: [{ type: cache }]`, so after the first request every one is a
# hit. Both pinned to the SUT core; alternating wrk windows (c50, the bench's chat body, temperature 0). Prints CPU µs
# per request and wrk's p99 latency per window.
#   bench/cache-hit.sh [ROUNDS=6] [SECONDS=4]       (CONNS=50; needs ../shared/bench mock/start.sh)
# PACE_MS=N: each connection waits N ms between requests (bench/wrk-post-paced.lua), so both gateways are measured at
# the same rate, CONNS x 1000 / N requests per second, rather than saturated (where p99 is queueing for the one core).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
harness="${BENCH_DIR:-$root/../shared/bench}"
rounds="${1:-6}"; secs="${2:-4}"
export JAVA_HOME="$("$root/bin/find-java")"
flags="$("$root/bin/jvm-flags" "$JAVA_HOME")"
jar="${JAR:-$root/switchboard-server/target/switchboard.jar}"
body="$harness/load/bodies/chat.json"
config_b="$(mktemp --suffix=.yaml)"
{ sed 's/127.0.0.1:8080/127.0.0.1:8090/' "$root/bench/gateway-bench.yaml"; echo "stages: [{ type: cache }]"; } > "$config_b"
taskset -c "${SUT_CPUS:-0}" "$JAVA_HOME/bin/java" -XX:+UseZGC -Xmx512m $flags -jar "$jar" serve \
  --config "$root/bench/gateway-bench.yaml" > /tmp/switchboard-cache-a.log 2>&1 &
pid_a=$!
taskset -c "${SUT_CPUS:-0}" "$JAVA_HOME/bin/java" -XX:+UseZGC -Xmx512m $flags -jar "$jar" serve \
  --config "$config_b" > /tmp/switchboard-cache-b.log 2>&1 &
pid_b=$!
trap 'kill $pid_a $pid_b 2>/dev/null; wait 2>/dev/null || true; rm -f "$config_b"' EXIT
for _ in $(seq 1 120); do
  curl -sf http://127.0.0.1:8080/readyz >/dev/null && curl -sf http://127.0.0.1:8090/readyz >/dev/null && break
  sleep 0.5
done
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
load() { # URL SECONDS -> wrk output
  local script=("$harness/load/wrk-post.lua" "$body")
  [ -n "${PACE_MS:-}" ] && script=("$root/bench/wrk-post-paced.lua" "$body" "$PACE_MS")
  taskset -c "${HARNESS_CPUS:-1}" wrk -t1 -c"${CONNS:-50}" -d"$2s" --latency -s "${script[0]}" \
    -H 'Authorization: Bearer sk-bench-client-key' -H 'Content-Type: application/json' "$1" -- "${script[@]:1}" 2>&1
}
measure() { # PID URL -> "µs-per-request p99"
  local c0 c1 out reqs p99
  c0=$(cpu "$1"); out=$(load "$2" "$secs"); c1=$(cpu "$1")
  reqs=$(echo "$out" | grep -oE '[0-9]+ requests in' | awk '{print $1}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  echo "$(echo "scale=1; ($c1 - $c0) * 1000000 / $(getconf CLK_TCK) / $reqs" | bc) $p99"
}
curl -s -D - -o /dev/null -H 'Authorization: Bearer sk-bench-client-key' -H 'Content-Type: application/json' \
  --data @"$body" http://127.0.0.1:8090/v1/chat/completions | grep -i x-switchboard-cache >&2 || true
echo "warming up both JVMs for ${GW_WARMUP:-120} s each" >&2
load http://127.0.0.1:8080/v1/chat/completions "${GW_WARMUP:-120}" >/dev/null
load http://127.0.0.1:8090/v1/chat/completions "${GW_WARMUP:-120}" >/dev/null
curl -s -D - -o /dev/null -H 'Authorization: Bearer sk-bench-client-key' -H 'Content-Type: application/json' \
  --data @"$body" http://127.0.0.1:8090/v1/chat/completions | grep -i x-switchboard-cache >&2 || true
for i in $(seq 1 "$rounds"); do
  read -r a ap <<< "$(measure "$pid_a" http://127.0.0.1:8080/v1/chat/completions)"
  read -r b bp <<< "$(measure "$pid_b" http://127.0.0.1:8090/v1/chat/completions)"
  echo "round $i: proxied $a µs/req (p99 $ap), cache hit $b µs/req (p99 $bp), hit/proxied $(echo "scale=3; $b / $a" | bc)"
done
