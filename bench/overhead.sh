#!/usr/bin/env bash
# CPU per request of routing and governance, measured inside one gateway process (same JIT state), interleaved:
#   base      bench key (no limits), model bench-static (alias)
#   routed    bench key, model bench-routed (a 10-rule route, the default rule matches)
#   governed  a store key with one rate limit and one budget, model bench-static
# With REDIS_URL set, limits count in Redis (and its command stats show the round trips per request).
#   bench/overhead.sh [rounds] [seconds]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
harness="${BENCH_DIR:-$root/../shared/bench}"
export JAVA_HOME="$("$root/bin/find-java")"
jar="$root/switchboard-server/target/switchboard.jar"
rounds="${1:-3}"; secs="${2:-15}"
export BENCH_STORE="$(mktemp -u /tmp/switchboard-bench-XXXX.db)"
config="$root/bench/overhead.yaml"
if [ -n "${REDIS_URL:-}" ]; then
  config="$(mktemp /tmp/overhead-redis-XXXX.yaml)"
  { cat "$root/bench/overhead.yaml"; echo "redis: { url: \"$REDIS_URL\", on_failure: fail_open }"; } > "$config"
fi
"$harness/mock/start.sh"
taskset -c "${SUT_CPUS:-0}" "$JAVA_HOME/bin/java" -XX:+UseZGC -Xmx512m $("$root/bin/jvm-flags" "$JAVA_HOME") \
  -jar "$jar" serve --config "$config" > /tmp/switchboard-overhead.log 2>&1 &
gw=$!
trap 'kill $gw 2>/dev/null; wait $gw 2>/dev/null || true; "$harness/mock/stop.sh"; rm -f "$BENCH_STORE"*' EXIT
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:8080/readyz >/dev/null && break; sleep 0.5; done
export SWITCHBOARD_ADMIN_KEY=sk-bench-admin-key-0123456789abcdef-123
key=$("$JAVA_HOME/bin/java" -jar "$jar" keys create governed --rpm 100000000 --budget-usd 1000000 --budget-period day \
  | grep -oE 'sk-sb-[A-Za-z0-9]{40}')
sleep 2 # the gateway picks the key up within key_refresh
body="$harness/load/bodies/chat.json"
routed="$(mktemp /tmp/routed-XXXX.json)"; sed 's/"bench-static"/"bench-routed"/' "$body" > "$routed"
url=http://127.0.0.1:8080/v1/chat/completions
cpu() { awk '{print $14+$15}' /proc/$gw/stat; }
run() { # label body key seconds
  local c0 c1 out reqs
  c0=$(cpu)
  out=$(taskset -c "${HARNESS_CPUS:-1}" wrk -t1 -c50 -d"$4s" -s "$harness/load/wrk-post.lua" -H "Authorization: Bearer $3" \
    -H 'Content-Type: application/json' "$url" -- "$2" 2>&1)
  c1=$(cpu)
  reqs=$(echo "$out" | grep -oE '[0-9]+ requests in' | awk '{print $1}')
  non2xx=$(echo "$out" | grep -oE 'Non-2xx or 3xx responses: [0-9]+' | grep -oE '[0-9]+$' || echo 0)
  printf '%-9s reqs=%-7s non2xx=%-5s cpu_us_per_req=%s\n' "$1" "$reqs" "$non2xx" "$(echo "scale=1; ($c1-$c0)*10000/$reqs" | bc)"
  echo "$1 $reqs $((c1-c0))" >> "$totals"
}
totals="$(mktemp /tmp/overhead-totals-XXXX)"
echo "warming up for ${GW_WARMUP:-40} s" >&2
run warm-base "$body" sk-bench-client-key $(( ${GW_WARMUP:-40} / 2 )) >/dev/null
run warm-gov "$body" "$key" $(( ${GW_WARMUP:-40} / 4 )) >/dev/null
run warm-route "$routed" sk-bench-client-key $(( ${GW_WARMUP:-40} / 4 )) >/dev/null
if [ -n "${REDIS_URL:-}" ]; then redis-cli -u "$REDIS_URL" config resetstat >/dev/null; fi
for r in $(seq 1 "$rounds"); do
  run base "$body" sk-bench-client-key "$secs"
  run routed "$routed" sk-bench-client-key "$secs"
  run governed "$body" "$key" "$secs"
done
echo "totals over all rounds (CPU ticks are 10 ms; interleaving spreads the machine's drift over all three):"
awk '$1 !~ /^warm/ { r[$1] += $2; t[$1] += $3 } END { for (k in r) printf "  %-9s reqs=%-8d cpu_us_per_req=%.1f\n", k, r[k], t[k] * 10000 / r[k] }' "$totals" | sort
if [ -n "${REDIS_URL:-}" ]; then
  echo "redis command stats over the measured rounds:"; redis-cli -u "$REDIS_URL" info commandstats | grep -E 'evalsha|eval:|calls' || true
fi
