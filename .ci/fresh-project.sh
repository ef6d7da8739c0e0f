#!/usr/bin/env bash
# A user's first project, outside the repository: the README's "Quick start", pasted unchanged: its
# ```xml block as pom.xml (it imports shadow-routing-bom, depends on shadow-core only and pins the
# compiler plugin) and its ```java block as the main class, built and run with
# `mvn compile exec:java`. Needs the artifacts in ~/.m2 first:
#   mvn -B -ntp -q install -DskipTests -pl shadow-routing-bom,shadow-core -am
# Runs from ~/.m2 only (-nsu: the installed snapshots are used as they are); Maven downloads the
# pom's plugins on a machine that has never run them.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

# the project's version: the first <version> of the root pom, which has no parent
version=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1)
[ -n "$version" ] || { echo "fresh-project: no <version> in pom.xml" >&2; exit 1; }
m2=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}
for a in shadow-routing-bom shadow-core; do
  if [ ! -d "$m2/dev/shadowrouting/$a/$version" ]; then
    echo "fresh-project: dev.shadowrouting:$a:$version is not in $m2; first run:" >&2
    echo "  mvn -B -ntp -q install -DskipTests -pl shadow-routing-bom,shadow-core -am" >&2
    exit 1
  fi
done

# a Quick start block: from the first ```<lang> after the heading to the next closing fence
block() {
  awk -v fence="^\`\`\`$1[[:space:]]*\$" '/^## Quick start[[:space:]]*$/ { q = 1; next }
                  q && /^## / { exit }
                  q && !f && $0 ~ fence { f = 1; next }
                  f && /^```[[:space:]]*$/ { exit }
                  f { print }' README.md
}
quickstart=$(block java)
[ -n "$quickstart" ] || { echo "fresh-project: no \`\`\`java block under '## Quick start' in README.md" >&2; exit 1; }
pom=$(block xml)
[ -n "$pom" ] || { echo "fresh-project: no \`\`\`xml block (pom.xml) under '## Quick start'" >&2; exit 1; }
main=$(printf '%s\n' "$quickstart" | sed -n 's/^public \(final \)\{0,1\}class \([A-Za-z_][A-Za-z0-9_]*\).*/\2/p' | head -n 1)
[ -n "$main" ] || { echo "fresh-project: the Quick start declares no public class" >&2; exit 1; }
if printf '%s\n' "$quickstart" | grep -q '^package '; then
  echo "fresh-project: the Quick start must stay in the default package (paste-and-run)" >&2; exit 1
fi
# the pom must import this version's BOM and run the Java block's class (ReadmeFrontDoorTest checks
# the same in the normal test run)
printf '%s\n' "$pom" | grep -q "<version>$version</version>" \
  || { echo "fresh-project: the Quick start's pom.xml does not name version $version" >&2; exit 1; }
printf '%s\n' "$pom" | grep -q "<mainClass>$main</mainClass>" \
  || { echo "fresh-project: the Quick start's pom.xml does not run $main" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/shadow-routing-fresh.XXXXXX")
trap 'rm -rf "$dir"' EXIT
case "$dir" in "$repo"/*) echo "fresh-project: $dir is inside the repository" >&2; exit 1 ;; esac
mkdir -p "$dir/src/main/java"
printf '%s\n' "$quickstart" > "$dir/src/main/java/$main.java"
printf '%s\n' "$pom" > "$dir/pom.xml"

echo "fresh-project: $dir (shadow-routing $version, main class $main from README.md's Quick start)"
# -Dstyle.color=never, and the sed: Maven 3.8 still writes colour resets in batch mode
out=$(cd "$dir" && mvn -B -ntp -q -nsu -Dstyle.color=never compile exec:java 2>&1 \
  | sed 's/\x1b\[[0-9;]*m//g'; exit "${PIPESTATUS[0]}") || {
  printf '%s\n' "$out"
  echo "fresh-project: FAILED to build or run the Quick start" >&2
  exit 1
}
printf '%s\n' "$out"

# What the Quick start must print. "sampled" is a pure function of the sampling keys
# (docs/how-it-works.md, "Sampling": the same on every machine), so it is pinned, and so is
# "rejected": its maxConcurrency leaves room for every sampled copy. The rest could move if a copy
# timed out on a loaded machine: it is checked through the accounting identities the README
# promises.
fail() { echo "fresh-project: FAILED: $*" >&2; exit 1; }
printf '%s\n' "$out" | grep -qx '1000 requests, 99 blocked by v1' \
  || fail "expected the line '1000 requests, 99 blocked by v1'"
line=$(printf '%s\n' "$out" | grep '^v2 sampled=' | head -n 1) || fail "no 'v2 sampled=...' line"
field() { printf '%s\n' "$line" | sed -n "s/.* $1=\([0-9]*\).*/\1/p" | head -n 1; }
sampled=$(field sampled); ran=$(field ran); rejected=$(field rejected); errors=$(field errors)
matches=$(field matches); mismatches=$(field mismatches); notcompared=$(field notCompared)
for v in sampled ran rejected errors matches mismatches notcompared; do
  [ -n "${!v}" ] || fail "no $v in '$line'"
done
[ "$sampled" -eq 260 ] || fail "v2 sampled $sampled of 1000 requests, the sampling hash gives 260"
[ "$rejected" -eq 0 ] || fail "v2 rejected $rejected copies; its maxConcurrency has room for all"
[ "$sampled" -eq $((ran + rejected)) ] || fail "sampled ($sampled) != ran ($ran) + rejected ($rejected)"
[ "$ran" -eq $((matches + mismatches + notcompared)) ] \
  || fail "ran ($ran) != matches ($matches) + mismatches ($mismatches) + notCompared ($notcompared)"
[ "$errors" -eq 0 ] || fail "v2 had $errors errors"
printf '%s\n' "$out" | grep -q '^ShadowRecord\[endpoint=fraud, ' || fail "no ShadowRecord line"
echo "fresh-project: OK (the README's Quick start builds and runs against the installed artifacts)"
