#!/usr/bin/env bash
# Gateway CPU per governed request with limits counted locally vs in Redis, measured in the same run: two gateways
# (same jar, same config, one with a redis: section) take turns under the same wrk load, pinned to the same core,
# so the machine's drift spreads over both. Prints CPU µs per request of each, their ratio, and Redis script calls
# per request.
#   REDIS_URL=redis://127.0.0.1:6379 bench/limits-ab.sh [rounds] [seconds]   (needs wrk, bc, redis-cli, the shared harness)
# Env: CONNS (wrk connections, 50), DELAY_MS (pace each connection: a fixed request rate instead of as fast as it goes),
# GW_WARMUP (seconds, 120), THREADS=1 (also CPU per request of each thread group). Redis should not share the gateway's core (e.g. taskset -pc 1 <redis pid>).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
harness="${BENCH_DIR:-$root/../shared/bench}"
export JAVA_HOME="$("$root/bin/find-java")"
jar="${JAR:-$root/switchboard-server/target/switchboard.jar}"
rounds="${1:-4}"; secs="${2:-10}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
redis-cli -u "$redis_url" ping >/dev/null
tmp="$(mktemp -d /tmp/limits-ab-XXXX)"
cp "$root/bench/limits-ab.yaml" "$tmp/local.yaml"
{ cat "$root/bench/limits-ab.yaml"; echo "redis: { url: \"$redis_url\", prefix: \"ab$$:\", on_failure: fail_open }"; } > "$tmp/redis.yaml"
"$harness/mock/start.sh"
start() { # name port config
  BENCH_PORT=$2 BENCH_STORE="$tmp/$1.db" taskset -c "${SUT_CPUS:-0}" "$JAVA_HOME/bin/java" -XX:+UseZGC -Xmx512m \
    $("$root/bin/jvm-flags" "$JAVA_HOME") -jar "$jar" serve --config "$3" > "$tmp/$1.log" 2>&1 &
  echo $!
}
local_pid=$(start local 8080 "$tmp/local.yaml")
redis_pid=$(start redis 8090 "$tmp/redis.yaml")
trap 'kill $local_pid $redis_pid 2>/dev/null; wait 2>/dev/null || true; "$harness/mock/stop.sh"; rm -rf "$tmp"' EXIT
for port in 8080 8090; do
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
done
body="$harness/load/bodies/chat.json"
script="$harness/load/wrk-post.lua"
if [ -n "${DELAY_MS:-}" ]; then # paced load: each connection waits DELAY_MS after an answer, so both run at about
  # CONNS / DELAY_MS requests per second whatever their latency: CPU per request compared at (nearly) equal load
  script="$tmp/paced.lua"; { cat "$harness/load/wrk-post.lua"; echo "function delay() return ${DELAY_MS} end"; } > "$script"
fi
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
threads() { # label pid: CPU ticks per thread group (thread names without their numbers), for THREADS=1
  for f in /proc/"$2"/task/*/stat; do sed -E 's/^[0-9]+ \((.*)\) (.*)$/\1\t\2/' "$f" 2>/dev/null || true; done |
    awk -F'\t' -v l="$1" '{ split($2, a, " "); n = $1; gsub(/[0-9#-]+$/, "", n); gsub(/ +/, "_", n); t[n] += a[12] + a[13] }
      END { for (n in t) print l, n, t[n] }'
}
totals="$tmp/totals"
run() { # label pid port seconds
  local c0 c1 out reqs non2xx
  c0=$(cpu "$2")
  [ -z "${THREADS:-}" ] || threads "$1" "$2" | sed 's/^/- /' >> "$tmp/threads"
  out=$(taskset -c "${HARNESS_CPUS:-1}" wrk -t1 -c"${CONNS:-50}" -d"$4s" -s "$script" \
    -H "Authorization: Bearer sk-bench-governed-key" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$3/v1/chat/completions" -- "$body" 2>&1)
  c1=$(cpu "$2")
  [ -z "${THREADS:-}" ] || threads "$1" "$2" | sed 's/^/+ /' >> "$tmp/threads"
  reqs=$(echo "$out" | grep -oE '[0-9]+ requests in' | awk '{print $1}')
  non2xx=$(echo "$out" | grep -oE 'Non-2xx or 3xx responses: [0-9]+' | grep -oE '[0-9]+$' || echo 0)
  printf '%-6s reqs=%-7s non2xx=%-5s cpu_us_per_req=%s\n' "$1" "$reqs" "$non2xx" "$(echo "scale=1; ($c1-$c0)*10000/$reqs" | bc)"
  echo "$1 $reqs $((c1-c0)) $non2xx" >> "$totals"
}
echo "warming up for ${GW_WARMUP:-120} s" >&2
for _ in 1 2; do
  run warm-l "$local_pid" 8080 $(( ${GW_WARMUP:-120} / 4 )) >/dev/null
  run warm-r "$redis_pid" 8090 $(( ${GW_WARMUP:-120} / 4 )) >/dev/null
done
: > "$totals"; : > "$tmp/threads"
redis-cli -u "$redis_url" config resetstat >/dev/null
for _ in $(seq 1 "$rounds"); do
  run local "$local_pid" 8080 "$secs"
  run redis "$redis_pid" 8090 "$secs"
done
calls=$(redis-cli -u "$redis_url" info commandstats | grep -E '^cmdstat_(evalsha|eval):' | grep -oE 'calls=[0-9]+' | cut -d= -f2 | paste -sd+ | bc)
awk -v calls="${calls:-0}" '{ r[$1] += $2; t[$1] += $3; e[$1] += $4 }
  END {
    l = t["local"] * 10000 / r["local"]; x = t["redis"] * 10000 / r["redis"]
    printf "local  reqs=%d non2xx=%d cpu_us_per_req=%.1f\n", r["local"], e["local"], l
    printf "redis  reqs=%d non2xx=%d cpu_us_per_req=%.1f\n", r["redis"], e["redis"], x
    printf "redis/local CPU per request: %.2fx; Redis script calls per redis request: %.3f\n", x / l, calls / r["redis"]
  }' "$totals"
if [ -n "${THREADS:-}" ]; then # CPU µs per request of each thread group, measured rounds only
  printf "%-24s %8s %8s\n" "thread group" "local" "redis"
  awk -v rl="$(awk '$1=="local"{s+=$2} END{print s}' "$totals")" -v rr="$(awk '$1=="redis"{s+=$2} END{print s}' "$totals")" '
    { d = ($1 == "+" ? $4 : -$4); t[$3] += 0; if ($2 == "local") l[$3] += d; else if ($2 == "redis") r[$3] += d }
    END { for (n in t) if (l[n] + r[n] > 0) printf "%-24s %8.2f %8.2f\n", n, l[n] * 10000 / rl, r[n] * 10000 / rr }' "$tmp/threads" | sort -k3 -nr
fi
grep -E "LOCAL_FALLBACK|CLOSED" "$tmp/redis.log" | head -3 || true
