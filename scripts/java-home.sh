#!/usr/bin/env bash
# Prints the home of a JDK whose major version is 21 or newer: $JAVA_HOME if it qualifies,
# else the newest JDK under /usr/lib/jvm. Exits 1 with a message naming what to install otherwise.
# --runtime: a JRE will do (running Forge needs no compiler; the container image carries only a JRE).
set -euo pipefail
tools=(java javac)
[ "${1:-}" = --runtime ] && tools=(java)

# The major version from the JDK's release file (every JDK and JRE image has one; reading it costs nothing, where
# asking java costs a JVM start on every bin/forge), else from java itself.
major_of() {
  local v=""
  [ -r "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
  v=${v#1.}
  echo "${v%%.*}"
}

qualifies() {
  local tool
  for tool in "${tools[@]}"; do [ -x "$1/bin/$tool" ] || return 1; done
  [ "$(major_of "$1")" -ge 21 ] 2>/dev/null
}

if [ -n "${JAVA_HOME:-}" ] && qualifies "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi

best="" best_major=0
for home in /usr/lib/jvm/*; do
  [ -d "$home" ] && [ ! -L "$home" ] || continue
  qualifies "$home" || continue
  m=$(major_of "$home")
  if [ "$m" -gt "$best_major" ]; then best="$home" best_major=$m; fi
done
if [ -n "$best" ]; then echo "$best"; exit 0; fi

echo "forge: no JDK 21 or newer found (JAVA_HOME='${JAVA_HOME:-}' and nothing suitable under /usr/lib/jvm)." >&2
echo "forge: install one (e.g. 'apt-get install openjdk-21-jdk-headless') or point JAVA_HOME at it." >&2
exit 1
