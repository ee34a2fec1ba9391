#!/usr/bin/env bash
# Translated-path benchmark: CPU per stream of the gateway for
#   passthrough   OpenAI client  -> OpenAI upstream     (shared bench Node mock, :19002)
#   openai->anth  OpenAI client  -> Anthropic upstream  (bench/mock-anthropic.js, :19003)
#   anth->openai  Anthropic client (/v1/messages) -> OpenAI upstream (:19002)
# Each: 100 concurrent streams for DURATION s with the shared bench's load/sse-load.js, gateway pinned to CPU 0,
# load and mocks on CPU 1; CPU from /proc. Prints a Markdown table.
#   bench/translated.sh   (env: DURATION=10 WARMUP=30 CONC=100)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
harness="${BENCH_DIR:-$root/../shared/bench}"
export JAVA_HOME="$("$root/bin/find-java")"
jar="$root/switchboard-server/target/switchboard.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests -pl switchboard-server -am package)
DURATION="${DURATION:-10}"; WARMUP="${WARMUP:-30}"; CONC="${CONC:-100}"
"$harness/mock/start.sh" >/dev/null
taskset -c 1 node "$root/bench/mock-anthropic.js" --port 19003 & anth=$!
taskset -c 0 "$JAVA_HOME/bin/java" -XX:+UseZGC -Xmx512m $("$root/bin/jvm-flags" "$JAVA_HOME") -jar "$jar" \
  serve --config "$root/bench/translated.yaml" > /tmp/switchboard-translated.log 2>&1 &
gw=$!
trap 'kill $gw $anth 2>/dev/null; wait $gw $anth 2>/dev/null || true; "$harness/mock/stop.sh" >/dev/null' EXIT
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:8080/readyz >/dev/null && break; sleep 0.5; done
cpu() { awk '{print $14+$15}' /proc/$gw/stat; }
run() { # label url body
  taskset -c 1 node "$harness/load/sse-load.js" --url "$2" --header 'Authorization: Bearer sk-bench-client-key' \
    --body "$3" --concurrency "$CONC" --duration "$WARMUP" --warmup 0 >/dev/null
  local c0 c1 out
  c0=$(cpu)
  out=$(taskset -c 1 node "$harness/load/sse-load.js" --url "$2" --header 'Authorization: Bearer sk-bench-client-key' \
    --body "$3" --concurrency "$CONC" --duration "$DURATION" --warmup 0 --label "$1")
  c1=$(cpu)
  echo "$out" | jq -r --arg l "$1" --argjson ticks "$((c1 - c0))" \
    '"| \($l) | \(.requests_measured) | \(.first_event_ms.p50) | \(.events_per_req_mean) | \(if .requests_measured > 0 then ($ticks * 10000 / .requests_measured | floor) else "-" end) | \(.errors) |"'
}
echo "| path | streams | first event p50 ms | events/stream | gateway CPU µs/stream | errors |"
echo "|---|---:|---:|---:|---:|---:|"
run passthrough "http://127.0.0.1:8080/v1/chat/completions" "$harness/load/bodies/chat-stream.json"
run "openai->anthropic" "http://127.0.0.1:8080/v1/chat/completions" "$root/bench/bodies/chat-stream-anthropic-target.json"
run "anthropic->openai" "http://127.0.0.1:8080/v1/messages" "$root/bench/bodies/messages-stream.json"
