#!/usr/bin/env bash
# Runs the protocol fuzzer against a freshly started gateway (bench/fuzz/fuzz.yaml) and the recording mock upstream.
#   bench/fuzz/run.sh [COUNT] [SEED]      → results in bench/fuzz/results/<time>.json, exit 1 on any finding
#   FUZZ_ARGS="--skip huge --threads 6" bench/fuzz/run.sh 2000 1   (fuzz.py --help lists the options)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
count="${1:-5000}"; seed="${2:-1}"
out="$here/results"; mkdir -p "$out"; stamp="$(date -u +%Y%m%d-%H%M%S)"
uplog="$(mktemp)"; gwlog="$out/$stamp-gateway.log"
python3 "$here/mock_upstream.py" 18090 "$uplog" & mock=$!
JAVA_HOME="$("$root/bin/find-java")"
jar="$root/switchboard-server/target/switchboard.jar"
[ -f "$jar" ] || (cd "$root" && JAVA_HOME="$JAVA_HOME" ./mvnw -q -B -DskipTests -pl switchboard-server -am package)
cd "$(mktemp -d)"
"$JAVA_HOME/bin/java" -XX:+UseZGC -Xmx512m -XX:MaxDirectMemorySize=512m $("$root/bin/jvm-flags" "$JAVA_HOME") \
  -jar "$jar" serve --config "$here/fuzz.yaml" > "$gwlog" 2>&1 & gw=$!
trap 'kill $gw $mock 2>/dev/null || true' EXIT
for _ in $(seq 1 360); do curl -sf localhost:18080/healthz >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf localhost:18080/healthz >/dev/null || { echo "the gateway did not start; see $gwlog" >&2; exit 2; }
set +e
python3 "$here/fuzz.py" --gateway 127.0.0.1:18080 --key sk-fuzz-client-key-0123456789 --count "$count" --seed "$seed" \
  --upstream-log "$uplog" --out "$out/$stamp.json" ${FUZZ_ARGS:-}
rc=$?
echo "gateway ERROR lines: $(grep -c ' ERROR ' "$gwlog" || true); OutOfMemoryError: $(grep -c OutOfMemoryError "$gwlog" || true)"
echo "report: $out/$stamp.json"
exit $rc
