#!/usr/bin/env bash
# Same-minute A/B of two gateway builds (or JVM option sets): both JVMs pinned to the SUT core, on :8080 (A) and
# :8090 (B), measured in alternating wrk windows with nginx as a third column, so all three see the same machine
# weather. Prints CPU µs per non-stream chat request per window and the median of B/A.
#   bench/ab.sh JAR_A JAR_B [ROUNDS=12] [SECONDS=4]      (GW_A_OPTS / GW_B_OPTS: JVM options, default ZGC 512m)
# Needs the bench mocks and the nginx peer (../shared/bench: mock/start.sh; peers/start.sh nginx).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
harness="${BENCH_DIR:-$root/../shared/bench}"
jar_a="$1"; jar_b="$2"; rounds="${3:-12}"; secs="${4:-4}"
export JAVA_HOME="$("$root/bin/find-java")"
flags="$("$root/bin/jvm-flags" "$JAVA_HOME")"
body="$harness/load/bodies/chat.json"
config_b="$(mktemp --suffix=.yaml)"
sed 's/127.0.0.1:8080/127.0.0.1:8090/' "$root/bench/gateway-bench.yaml" > "$config_b"
taskset -c "${SUT_CPUS:-0}" "$JAVA_HOME/bin/java" ${GW_A_OPTS:--XX:+UseZGC -Xmx512m} $flags -jar "$jar_a" serve \
  --config "$root/bench/gateway-bench.yaml" > /tmp/switchboard-ab-a.log 2>&1 &
pid_a=$!
taskset -c "${SUT_CPUS:-0}" "$JAVA_HOME/bin/java" ${GW_B_OPTS:--XX:+UseZGC -Xmx512m} $flags -jar "$jar_b" serve \
  --config "$config_b" > /tmp/switchboard-ab-b.log 2>&1 &
pid_b=$!
trap 'kill $pid_a $pid_b 2>/dev/null; wait 2>/dev/null || true; rm -f "$config_b"' EXIT
for _ in $(seq 1 120); do
  curl -sf http://127.0.0.1:8080/readyz >/dev/null && curl -sf http://127.0.0.1:8090/readyz >/dev/null && break
  sleep 0.5
done
nginx=$(pgrep -P "$(cat "$harness/run/peer-nginx.pid")" | head -1)
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
load() { # URL SECONDS -> wrk output
  taskset -c "${HARNESS_CPUS:-1}" wrk -t1 -c50 -d"$2s" -s "$harness/load/wrk-post.lua" \
    -H 'Authorization: Bearer sk-bench-client-key' -H 'Content-Type: application/json' "$1" -- "$body" 2>&1
}
measure() { # PID URL -> µs of CPU per request over one window
  local c0 c1 out reqs
  c0=$(cpu "$1"); out=$(load "$2" "$secs"); c1=$(cpu "$1")
  reqs=$(echo "$out" | grep -oE '[0-9]+ requests in' | awk '{print $1}')
  echo "scale=1; ($c1 - $c0) * 1000000 / $(getconf CLK_TCK) / $reqs" | bc
}
echo "warming up both JVMs for ${GW_WARMUP:-120} s each" >&2
load http://127.0.0.1:8080/v1/chat/completions "${GW_WARMUP:-120}" >/dev/null
load http://127.0.0.1:8090/v1/chat/completions "${GW_WARMUP:-120}" >/dev/null
ratios=()
for i in $(seq 1 "$rounds"); do
  a=$(measure "$pid_a" http://127.0.0.1:8080/v1/chat/completions)
  b=$(measure "$pid_b" http://127.0.0.1:8090/v1/chat/completions)
  n=$(measure "$nginx" http://127.0.0.1:18081/v1/chat/completions)
  r=$(echo "scale=3; $b / $a" | bc)
  ratios+=("$r")
  echo "round $i: A $a µs, B $b µs, nginx $n µs, B/A $r, A/nginx $(echo "scale=2; $a / $n" | bc), B/nginx $(echo "scale=2; $b / $n" | bc)"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print "median B/A " a[int((NR+1)/2)] " over " NR " rounds"}'
