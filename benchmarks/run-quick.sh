#!/usr/bin/env bash
# The whole side-by-side comparison in a few minutes: scenarios A, B, C and the pipeline, one fork,
# short iterations, with the GC profiler for allocation per call; then a Markdown table.
# JMH_OPTS replaces the iteration settings, e.g. a smoke test:
#   JMH_OPTS='-wi 1 -i 1 -w 200ms -r 200ms' ./benchmarks/run-quick.sh
# Extra arguments go to JMH as they are (e.g. -p impl=direct,router:100); JAVA_OPTS to the JVM.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p target
# shadow-tool's default pool keeps non-daemon threads alive for 60 s after the trial; without
# jmh.shutdownTimeout=0 each such fork would make JMH wait 30 s for them before exiting.
java ${JAVA_OPTS:-} -jar target/benchmarks.jar 'Scenario|PipelineThroughput' \
  -f 1 ${JMH_OPTS:--wi 2 -i 2 -w 500ms -r 1s} -jvmArgsAppend -Djmh.shutdownTimeout=0 \
  -prof gc -rf json -rff target/jmh-quick.json "$@" \
  | tee target/jmh-quick.log
java -cp target/benchmarks.jar dev.shadowrouting.benchmarks.ReportMain target/jmh-quick.json \
  | tee target/jmh-quick.md
grep -h '^\[copies\]\|^\[pipeline\]' target/jmh-quick.log || true
