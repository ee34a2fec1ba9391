#!/usr/bin/env bash
# CPU profile of a running gateway under chat-c50 load, kernel frames included: async-profiler (from Maven Central,
# tools.profiler:async-profiler) attached to the JVM, output as collapsed stacks (one line per stack, count last).
#   bench/profile.sh PID OUT.txt [SECONDS=20] [URL=http://127.0.0.1:8080/v1/chat/completions]
# Env: KEY (the bearer key, sk-bench-client-key; sk-bench-governed-key for bench/limits-ab.yaml's governed key).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
harness="${BENCH_DIR:-$root/../shared/bench}"
pid="$1"; out="$2"; secs="${3:-20}"; url="${4:-http://127.0.0.1:8080/v1/chat/completions}"
export JAVA_HOME="$("$root/bin/find-java")"
version=4.1
jar="$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$version")
lib_dir="$(mktemp -d)"
trap 'rm -rf "$lib_dir"' EXIT
(cd "$lib_dir" && "$JAVA_HOME/bin/jar" xf "$jar" linux-x64/libasyncProfiler.so)
attach="$lib_dir/Attach.java"
cat > "$attach" <<'JAVA'
public class Attach {
    public static void main(String[] a) throws Exception {
        var vm = com.sun.tools.attach.VirtualMachine.attach(a[0]);
        vm.loadAgentPath(a[1], a[2]);
        vm.detach();
    }
}
JAVA
"$JAVA_HOME/bin/java" "$attach" "$pid" "$lib_dir/linux-x64/libasyncProfiler.so" "start,event=cpu,interval=1ms"
taskset -c "${HARNESS_CPUS:-1}" wrk -t1 -c50 -d"${secs}s" -s "$harness/load/wrk-post.lua" \
  -H "Authorization: Bearer ${KEY:-sk-bench-client-key}" -H 'Content-Type: application/json' "$url" \
  -- "$harness/load/bodies/chat.json" | grep -E "requests in" >&2
"$JAVA_HOME/bin/java" "$attach" "$pid" "$lib_dir/linux-x64/libasyncProfiler.so" "stop,collapsed,file=$(realpath -m "$out")"
echo "collapsed stacks in $out (frames ending in _[k] are the kernel's)" >&2
