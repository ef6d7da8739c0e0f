#!/usr/bin/env bash
# Measures the questions of BENCHMARKS.md and rewrites that page from their JMH JSON results.
#   benchmarks/bench.sh                 every question that has a JMH command (~15 min on 2 cores)
#   benchmarks/bench.sh caller sinks    the named ones (file names in questions/, without NN-)
#   benchmarks/bench.sh --page          no measurement: rewrite BENCHMARKS.md from results/
# JMH_OPTS is appended to each question's command (e.g. '-wi 1 -i 1 -w 200ms -r 200ms' for a
# smoke test; do not keep such results), JAVA_OPTS goes to the JMH launcher's JVM.
set -euo pipefail
cd "$(dirname "$0")"
jar=target/benchmarks.jar
if [ ! -f "$jar" ]; then
  (cd .. && mvn -B -q -ntp -pl benchmarks -am package -DskipTests)
fi
measure=true
if [ "${1:-}" = "--page" ]; then
  measure=false
  shift
fi
if $measure; then
  if [ $# -eq 0 ]; then
    set -- $(grep -l '<!-- command:' questions/*.md | sed 's#questions/[0-9]*-##; s#\.md$##')
  fi
  mkdir -p results target
  for name in "$@"; do
    file=$(ls questions/[0-9]*-"$name".md 2>/dev/null || true)
    if [ -z "$file" ]; then
      echo "no question named '$name' (questions/NN-$name.md); known: $(ls questions | sed \
        's/^[0-9]*-//; s/\.md$//' | tr '\n' ' ')" >&2
      exit 2
    fi
    args=$(sed -n 's/.*<!-- *command: *\(.*[^ ]\) *-->.*/\1/p' "$file")
    if [ -z "$args" ]; then
      echo "$file has no JMH command: nothing to measure" >&2
      exit 2
    fi
    base=$(basename "$file" .md)
    load=$(cut -d' ' -f1 /proc/loadavg)
    # shellcheck disable=SC2086 # the command's words are JMH arguments, quoted in the template
    eval java ${JAVA_OPTS:-} -jar "$jar" $args ${JMH_OPTS:-} -rf json -rff "results/$base.json" \
      | tee "target/$base.log"
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    jvm=$(java -version 2>&1 | head -1)
    echo "Measured $(date -u +%F) on $(nproc) cores ($cpu), $jvm, load $load before the run." \
      > "results/$base.env"
  done
fi
java -cp "$jar" dev.shadowrouting.benchmarks.BenchmarksPage questions results ../BENCHMARKS.md
echo "BENCHMARKS.md written"
