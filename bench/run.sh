#!/usr/bin/env bash
# Side-by-side benchmark: the gateway as an extra column of ../shared/bench/run-all.sh.
# Starts the mocks and the gateway pinned to the SUT core, runs the harness, stops the gateway.
#   bench/run.sh [run-all.sh options, e.g. --peers direct,nginx,portkey --scenarios chat-c50,stream-c100]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
harness="${BENCH_DIR:-$root/../shared/bench}"
export JAVA_HOME="$("$root/bin/find-java")"
jar="$root/switchboard-server/target/switchboard.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests -pl switchboard-server -am package)
"$harness/mock/start.sh"
taskset -c "${SUT_CPUS:-0}" "$JAVA_HOME/bin/java" ${GW_JAVA_OPTS:--XX:+UseZGC -Xmx512m} \
  $("$root/bin/jvm-flags" "$JAVA_HOME") -jar "$jar" serve --config "$root/bench/gateway-bench.yaml" > /tmp/switchboard-bench.log 2>&1 &
gw=$!
trap 'kill $gw 2>/dev/null; wait $gw 2>/dev/null || true; "$harness/mock/stop.sh"' EXIT
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:8080/readyz >/dev/null && break; sleep 0.5; done
# Warm-up before anything is measured. A JVM pinned to one core keeps compiling for ~2 minutes under load (and ZGC
# sizes its cycles meanwhile): 60 s left the first measured window up to 1.8x the steady cost. The harness gives its
# other JVM peer (Spring Cloud Gateway) 120 s for the same reason.
echo "warming up the gateway for ${GW_WARMUP:-150} s" >&2
taskset -c "${HARNESS_CPUS:-1}" wrk -t1 -c50 -d"${GW_WARMUP:-150}s" -s "$harness/load/wrk-post.lua" \
  -H 'Authorization: Bearer sk-bench-client-key' -H 'Content-Type: application/json' \
  http://127.0.0.1:8080/v1/chat/completions -- "$harness/load/bodies/chat.json" >/dev/null 2>&1 || true
"$harness/run-all.sh" --label switchboard --target http://127.0.0.1:8080 \
  --header 'Authorization: Bearer sk-bench-client-key' --sut-pid "$gw" --warmup "${WARMUP:-30}" "$@"
